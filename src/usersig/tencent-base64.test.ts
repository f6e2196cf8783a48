import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeTencentBase64, encodeTencentBase64 } from './tencent-base64.js';

test('encode uses * - _ instead of + / =', () => {
  // fb ff bf is "+/+/" in standard base64; a single byte needs two "=".
  assert.equal(encodeTencentBase64(Buffer.from([0xfb, 0xff, 0xbf])), '*-*-');
  assert.equal(encodeTencentBase64(Buffer.from([0xff])), '-w__');
  assert.equal(encodeTencentBase64(Buffer.alloc(0)), '');
});

test('roundtrip: decode(encode(bytes)) = bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const encoded = encodeTencentBase64(bytes);
      assert.match(encoded, /^[A-Za-z0-9*\-_]*$/);
      assert.deepEqual(decodeTencentBase64(encoded), Buffer.from(bytes));
    }),
  );
});

test('decode accepts the standard alphabet and missing padding', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const standard = Buffer.from(bytes).toString('base64');
      assert.deepEqual(decodeTencentBase64(standard), Buffer.from(bytes));
      assert.deepEqual(decodeTencentBase64(standard.replace(/=+$/, '')), Buffer.from(bytes));
      assert.deepEqual(decodeTencentBase64(encodeTencentBase64(bytes).replace(/_+$/, '')), Buffer.from(bytes));
    }),
  );
});

test('decode rejects characters outside both alphabets', () => {
  for (const bad of ['ab!d', 'ab d', 'ab.d', 'ab%2A', 'abc\n', 'abcé', 'ab\u0000d', 'ab,d']) {
    assert.equal(decodeTencentBase64(bad), undefined, JSON.stringify(bad));
  }
  fc.assert(
    fc.property(
      fc.string({ maxLength: 40 }),
      fc.constantFrom(...'!"#$%&\'(),.:;<>?@[\\]^`{|}~ \t'.split('')),
      fc.string({ maxLength: 40 }),
      (before, bad, after) => {
        assert.equal(decodeTencentBase64(before + bad + after), undefined);
      },
    ),
  );
});

test('decode rejects impossible lengths and misplaced padding', () => {
  assert.equal(decodeTencentBase64('A'), undefined); // one character cannot hold a byte
  assert.equal(decodeTencentBase64('AAAAA'), undefined);
  assert.equal(decodeTencentBase64('AA_'), undefined); // padding present but wrong amount
  assert.equal(decodeTencentBase64('AAAA_'), undefined);
  assert.equal(decodeTencentBase64('AAA__'), undefined);
  assert.equal(decodeTencentBase64('A_AA'), undefined);
  assert.equal(decodeTencentBase64('AA___'), undefined);
  assert.deepEqual(decodeTencentBase64('AA__'), Buffer.from([0]));
  assert.deepEqual(decodeTencentBase64('AA'), Buffer.from([0]));
  assert.deepEqual(decodeTencentBase64(''), Buffer.alloc(0));
});
