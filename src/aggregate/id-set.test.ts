import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeIdSet, encodeIdSet, unionIds } from './id-set.js';

const ids = fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 300 });

test('encode/decode round-trips any sorted set of 32-bit ids; union is the set union', () => {
  fc.assert(
    fc.property(ids, ids, (a, b) => {
      const sorted = Uint32Array.from(new Set(a)).sort();
      assert.deepEqual([...decodeIdSet(encodeIdSet(sorted))], [...sorted]);
      const { ids: merged, added } = unionIds(sorted, b);
      const expected = [...new Set([...a, ...b])].sort((x, y) => x - y);
      assert.deepEqual([...merged], expected);
      assert.equal(added, expected.length - sorted.length);
    }),
  );
});

test('dense ids cost one byte each; a truncated set is refused, not miscounted', () => {
  assert.equal(encodeIdSet(Uint32Array.from([0, 1, 2, 130])).length, 4);
  assert.deepEqual([...encodeIdSet(Uint32Array.from([200]))], [0xc8, 0x01]);
  assert.throws(() => decodeIdSet(Uint8Array.from([0xc8])), /corrupt id set/);
});
