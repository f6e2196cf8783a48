import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addToIdSet, bitCount32, decodeIdSet, encodeIdSet, idSetBitmap, idSetBitmapSpan } from './id-set.js';

const ids = fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 300 });
/** Sets of every density: a few ids scattered over a wide range up to every id of a narrow one. */
const anyDensity = fc
  .tuple(fc.integer({ min: 0, max: 2 ** 32 - 5_000 }), fc.integer({ min: 1, max: 4_000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer())
  .map(([base, span, density, seed]) => {
    let x = seed | 1;
    const out: number[] = [];
    for (let id = base; id < base + span; id++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      if ((x >>> 0) / 2 ** 32 < density) out.push(id);
    }
    return Uint32Array.from(out);
  });

/** The bitmap form's bytes as the format defines them (id-set.ts), written out independently. */
const MAGIC = [0x80, 0x80, 0x80, 0x80, 0x80, 0x01];

test('encode/decode round-trips any sorted set of 32-bit ids; union is the set union', () => {
  fc.assert(
    fc.property(ids, ids, (a, b) => {
      const sorted = Uint32Array.from(new Set(a)).sort();
      assert.deepEqual([...decodeIdSet(encodeIdSet(sorted))], [...sorted]);
      const { bytes: merged, added } = addToIdSet(sorted.length > 0 ? encodeIdSet(sorted) : undefined, b);
      const expected = [...new Set([...a, ...b])].sort((x, y) => x - y);
      assert.deepEqual([...decodeIdSet(merged)], expected);
      assert.equal(added, expected.length - sorted.length);
    }),
  );
});

test('sets of every density round-trip, in whichever form is smaller, and their bitmaps hold exactly their ids', () => {
  fc.assert(
    fc.property(anyDensity, (set) => {
      const bytes = encodeIdSet(set);
      assert.deepEqual([...decodeIdSet(bytes)], [...set]);
      if (set.length === 0) return;
      // Never larger than either form: a byte per member at least for varints, a bit per id in the span for the bitmap.
      const spanBytes = (set[set.length - 1]! >>> 3) - (set[0]! >>> 3) + 1;
      assert.ok(bytes.length <= MAGIC.length + 5 + spanBytes, `${bytes.length} bytes for a span of ${spanBytes}`);
      assert.ok(bytes.length <= set.length * 5);
      if (set[set.length - 1]! < 200_000) {
        const span = idSetBitmapSpan(bytes);
        assert.equal(span, (set[set.length - 1]! >>> 3) + 1);
        const bits = idSetBitmap(bytes, Math.ceil(span / 4) * 4 + 4);
        const members = new Set(set);
        for (let id = 0; id < bits.length * 8; id++) assert.equal((bits[id >>> 3]! >> (id & 7)) & 1, members.has(id) ? 1 : 0, `id ${id}`);
        const words = new Uint32Array(bits.buffer);
        assert.equal(words.reduce((n, w) => n + bitCount32(w), 0), set.length);
      }
    }),
  );
});

test('dense ids cost one byte each as varints; a truncated set is refused, not miscounted', () => {
  assert.equal(encodeIdSet(Uint32Array.from([0, 1, 2, 130])).length, 4);
  assert.deepEqual([...encodeIdSet(Uint32Array.from([200]))], [0xc8, 0x01]);
  assert.throws(() => decodeIdSet(Uint8Array.from([0xc8])), /corrupt id set/);
});

test('a dense set is a bitmap: magic, first byte index, a bit per id', () => {
  // Ids 16..39 all present: varints would take 24 bytes, the bitmap 6 + 1 + 3.
  const set = Uint32Array.from({ length: 24 }, (_, i) => 16 + i);
  assert.deepEqual([...encodeIdSet(set)], [...MAGIC, 2, 0xff, 0xff, 0xff]);
  // Written by hand: ids 3 and 9 and 1,000 (first byte 0): bytes 0, 1 and 125.
  const hand = new Uint8Array(MAGIC.length + 1 + 126);
  hand.set(MAGIC);
  hand[MAGIC.length] = 0;
  hand[MAGIC.length + 1] = 1 << 3;
  hand[MAGIC.length + 2] = 1 << 1;
  hand[MAGIC.length + 1 + 125] = 1 << 0;
  assert.deepEqual([...decodeIdSet(hand)], [3, 9, 1000]);
  assert.equal(idSetBitmapSpan(hand), 126);
  assert.throws(() => idSetBitmap(hand, 124), /does not fit/);
  assert.throws(() => decodeIdSet(Uint8Array.from([...MAGIC, 0x80])), /corrupt id set/);
});

/** Gap varints as sets were written before the bitmap form existed (the format, written out again). */
function legacyVarints(sorted: Uint32Array): Uint8Array {
  const out: number[] = [];
  let prev = -1;
  for (const id of sorted) {
    let gap = id - prev - 1;
    prev = id;
    while (gap >= 0x80) {
      out.push((gap % 0x80) | 0x80);
      gap = Math.floor(gap / 0x80);
    }
    out.push(gap);
  }
  return Uint8Array.from(out);
}

test('sets written as gap varints before bitmaps read unchanged, and none starts like a bitmap', () => {
  assert.throws(() => decodeIdSet(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x00])), /corrupt id set/);
  fc.assert(
    fc.property(fc.oneof(ids.map((a) => Uint32Array.from(new Set(a)).sort()), anyDensity), (sorted) => {
      const old = legacyVarints(sorted);
      assert.deepEqual([...decodeIdSet(old)], [...sorted]);
      assert.ok(!(old.length >= 5 && old.subarray(0, 5).every((b) => b === 0x80)), 'a varint set starting with five continuation bytes');
    }),
  );
});

test('adding ids to a stored set gives the bytes of the union encoded afresh, and counts exactly the new ids', () => {
  fc.assert(
    fc.property(anyDensity, anyDensity, fc.boolean(), fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 5 }), (a, b, overlap, scattered) => {
      // Candidates over the stored set's own range (bits set in place) or anywhere (the range grows, the set may turn sparse).
      const shifted = overlap && a.length > 0 && b.length > 0 ? [...b].map((id) => Math.min(2 ** 32 - 1, id - b[0]! + a[0]!)) : [...b];
      const candidates = [...shifted, ...shifted.slice(0, 3), ...scattered];
      const union = [...new Set([...a, ...candidates])].sort((x, y) => x - y);
      const stored = a.length > 0 ? encodeIdSet(a) : undefined;
      const { bytes, added } = addToIdSet(stored, candidates);
      assert.equal(added, union.length - a.length);
      assert.deepEqual([...bytes], [...encodeIdSet(Uint32Array.from(union))]);
      assert.deepEqual([...decodeIdSet(bytes)], union);
    }),
    { numRuns: 300 },
  );
});

test('a dense bitmap gains ids in place: bits within, below and above its range', () => {
  const dense = Uint32Array.from({ length: 800 }, (_, i) => 1_000 + i * 2);
  const stored = encodeIdSet(dense);
  assert.deepEqual(stored.subarray(0, MAGIC.length), Uint8Array.from(MAGIC));
  const { bytes, added } = addToIdSet(stored, [1_001, 1_000, 990, 2_700, 1_001]);
  assert.equal(added, 3);
  assert.deepEqual([...decodeIdSet(bytes)], [...new Set([990, ...dense, 1_001, 2_700])].sort((x, y) => x - y));
  assert.equal(addToIdSet(bytes, [990, 2_700]).added, 0);
});
