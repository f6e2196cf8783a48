import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeUserSig } from './make-usersig.js';
import { UserSigError } from './user-sig-error.js';
import { VerifiedUserSigCache } from './verified-usersig-cache.js';
import { verifyUserSig, type VerifyUserSigOptions } from './verify-usersig.js';
import { VECTOR } from '../../test/support/usersig-test-vectors.js';

/** A cache whose real verifier is wrapped to count how often it runs. */
function countingCache(maxEntries?: number): { cache: VerifiedUserSigCache; calls: () => number } {
  let calls = 0;
  const cache = new VerifiedUserSigCache(maxEntries, (options) => {
    calls++;
    return verifyUserSig(options);
  });
  return { cache, calls: () => calls };
}

const vector: VerifyUserSigOptions = {
  token: VECTOR.nodeToken,
  sdkappid: VECTOR.sdkappid,
  identifier: VECTOR.identifier,
  key: VECTOR.key,
  nowSeconds: VECTOR.time + 10,
};

function tokenFor(identifier: string): VerifyUserSigOptions {
  return { ...vector, identifier, token: makeUserSig({ ...vector, identifier, nowSeconds: VECTOR.time, expireSeconds: VECTOR.expire }) };
}

test('a hit avoids re-verification and answers the same result', () => {
  const { cache, calls } = countingCache();
  const first = cache.verify(vector);
  assert.deepEqual(first, { sdkappid: VECTOR.sdkappid, identifier: VECTOR.identifier, expiresAt: VECTOR.lastValidSecond });
  for (let i = 0; i < 5; i++) assert.deepEqual(cache.verify({ ...vector, nowSeconds: vector.nowSeconds + i }), first);
  assert.equal(calls(), 1);
  assert.deepEqual(cache.stats, { hits: 5, misses: 1 });
  assert.equal(cache.size, 1);
});

test('never answers past expiry: valid at the last second, expired one second later', () => {
  const { cache, calls } = countingCache();
  cache.verify(vector);
  assert.equal(cache.verify({ ...vector, nowSeconds: VECTOR.lastValidSecond }).expiresAt, VECTOR.lastValidSecond);
  assert.equal(calls(), 1);
  assert.throws(() => cache.verify({ ...vector, nowSeconds: VECTOR.lastValidSecond + 1 }), { failure: 'expired' });
  assert.equal(calls(), 2);
  assert.equal(cache.size, 0, 'the expired entry is dropped');
});

test('a rotated key misses and is checked with the new key', () => {
  const { cache, calls } = countingCache();
  cache.verify(vector);
  assert.throws(() => cache.verify({ ...vector, key: VECTOR.wrongKey }), { failure: 'bad_signature' });
  assert.equal(calls(), 2);
  // The same token under the old key is still a hit (e.g. another app sharing nothing but the token).
  cache.verify(vector);
  assert.equal(calls(), 2);
});

test('the exact token is the key: an equivalent spelling is verified on its own', () => {
  const { cache, calls } = countingCache();
  cache.verify(vector);
  cache.verify({ ...vector, token: VECTOR.nodeToken.replace(/_+$/, '') });
  cache.verify({ ...vector, token: VECTOR.pythonToken });
  assert.equal(calls(), 3);
  assert.equal(cache.size, 3);
});

test('a cached token presented for another identifier or app still fails as a mismatch', () => {
  const { cache } = countingCache();
  cache.verify(vector);
  assert.throws(() => cache.verify({ ...vector, identifier: 'Administrator' }), { failure: 'identifier_mismatch' });
  assert.throws(() => cache.verify({ ...vector, sdkappid: VECTOR.sdkappid + 1 }), { failure: 'sdkappid_mismatch' });
});

test('failures are not cached', () => {
  const { cache, calls } = countingCache();
  const bad = { ...vector, key: VECTOR.wrongKey };
  assert.throws(() => cache.verify(bad), UserSigError);
  assert.throws(() => cache.verify(bad), UserSigError);
  assert.equal(calls(), 2);
  assert.equal(cache.size, 0);
});

test('bounded size, least recently used evicted first', () => {
  const { cache, calls } = countingCache(3);
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(tokenFor);
  cache.verify(a);
  cache.verify(b);
  cache.verify(c);
  cache.verify(a); // a becomes the most recent; b is now the oldest
  assert.equal(calls(), 3);
  cache.verify(d);
  assert.equal(cache.size, 3);
  cache.verify(a);
  cache.verify(c);
  cache.verify(d);
  assert.equal(calls(), 4, 'a, c, d still cached');
  cache.verify(b);
  assert.equal(calls(), 5, 'b was evicted');
  assert.equal(cache.size, 3);
});

test('size never exceeds the bound under many distinct tokens', () => {
  const { cache } = countingCache(50);
  for (let i = 0; i < 500; i++) {
    cache.verify(tokenFor(`user${i}`));
    assert.ok(cache.size <= 50);
  }
  assert.equal(cache.size, 50);
});

test('forgetApp drops one app only; maxEntries 0 disables caching; bad bounds are refused', () => {
  const { cache, calls } = countingCache();
  cache.verify(vector);
  const otherApp = { ...vector, sdkappid: 1400000001, token: makeUserSig({ ...vector, sdkappid: 1400000001, nowSeconds: VECTOR.time }) };
  cache.verify(otherApp);
  cache.forgetApp(VECTOR.sdkappid);
  assert.equal(cache.size, 1);
  cache.verify(otherApp);
  assert.equal(calls(), 2);
  cache.verify(vector);
  assert.equal(calls(), 3);

  const off = countingCache(0);
  off.cache.verify(vector);
  off.cache.verify(vector);
  assert.equal(off.calls(), 2);
  assert.equal(off.cache.size, 0);

  for (const bad of [-1, 1.5, Number.NaN]) assert.throws(() => new VerifiedUserSigCache(bad), RangeError);
});

test('default construction uses the real verifier', () => {
  const cache = new VerifiedUserSigCache();
  assert.equal(cache.verify(vector).identifier, VECTOR.identifier);
  assert.throws(() => cache.verify({ ...vector, token: '' }), { failure: 'empty' });
});
