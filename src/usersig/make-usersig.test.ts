import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { DEFAULT_USERSIG_EXPIRE_SECONDS, makeUserSig } from './make-usersig.js';
import { signUserSig, userSigSignedText } from './sign-usersig.js';
import { decodeTencentBase64 } from './tencent-base64.js';
import { verifyUserSig } from './verify-usersig.js';
import { withOfficialNodeLibrary } from '../../test/support/official-node-usersig.js';
import { VECTOR } from '../../test/support/usersig-test-vectors.js';

const vectorOptions = {
  sdkappid: VECTOR.sdkappid,
  identifier: VECTOR.identifier,
  key: VECTOR.key,
  nowSeconds: VECTOR.time,
  expireSeconds: VECTOR.expire,
};

test('signed text and sig match the spec vectors', () => {
  const fields = { identifier: VECTOR.identifier, sdkappid: VECTOR.sdkappid, time: VECTOR.time, expire: VECTOR.expire };
  assert.equal(userSigSignedText(fields), VECTOR.signedText);
  assert.equal(signUserSig(fields, VECTOR.key).toString('base64'), VECTOR.sig);
  assert.equal(
    userSigSignedText({ ...fields, userbuf: VECTOR.userbufBase64 }),
    VECTOR.signedText + `TLS.userbuf:${VECTOR.userbufBase64}\n`,
  );
  assert.equal(signUserSig({ ...fields, userbuf: VECTOR.userbufBase64 }, VECTOR.key).toString('base64'), VECTOR.userbufSig);
});

test('makeUserSig reproduces the Node library token of the spec', () => {
  assert.equal(makeUserSig(vectorOptions), VECTOR.nodeToken);
  assert.ok(makeUserSig(vectorOptions).startsWith('eJ'), 'zlib default level: 78 9c');
});

test('makeUserSig with a userbuf writes it as standard base64 and signs it', () => {
  const token = makeUserSig({ ...vectorOptions, userbuf: VECTOR.userbuf });
  const json = JSON.parse(inflateSync(decodeTencentBase64(token)!).toString('utf8')) as Record<string, unknown>;
  assert.deepEqual(Object.keys(json), ['TLS.ver', 'TLS.identifier', 'TLS.sdkappid', 'TLS.time', 'TLS.expire', 'TLS.userbuf', 'TLS.sig']);
  assert.equal(json['TLS.userbuf'], VECTOR.userbufBase64);
  assert.equal(json['TLS.sig'], VECTOR.userbufSig);
});

test('makeUserSig is byte-identical to tls-sig-api-v2 for the same inputs and time', () => {
  const official = withOfficialNodeLibrary(VECTOR.sdkappid, VECTOR.key, VECTOR.time, (api) => ({
    plain: api.genUserSig(VECTOR.identifier, VECTOR.expire),
    userbuf: api.genSig(VECTOR.identifier, VECTOR.expire, VECTOR.userbuf),
  }));
  assert.equal(makeUserSig(vectorOptions), official.plain);
  assert.equal(makeUserSig({ ...vectorOptions, userbuf: VECTOR.userbuf }), official.userbuf);
});

/** Random sdkappid, identifier, key, issue time, validity and userbuf. */
const SIGN_INPUTS = [
  fc.integer({ min: 1, max: 2 ** 32 - 1 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }),
  fc.integer({ min: 0, max: 4_000_000_000 }),
  fc.integer({ min: 0, max: 10 * 365 * 86400 }),
  fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined }),
] as const;

test('property: byte-identical to tls-sig-api-v2 for random identifiers, keys, apps and times', () => {
  fc.assert(
    fc.property(
      ...SIGN_INPUTS,
      (sdkappid, identifier, key, nowSeconds, expireSeconds, userbuf) => {
        const ours = makeUserSig({
          sdkappid,
          identifier,
          key,
          nowSeconds,
          expireSeconds,
          ...(userbuf === undefined ? {} : { userbuf: Buffer.from(userbuf) }),
        });
        const theirs = withOfficialNodeLibrary(sdkappid, key, nowSeconds, (api) =>
          userbuf === undefined ? api.genUserSig(identifier, expireSeconds) : api.genSig(identifier, expireSeconds, Buffer.from(userbuf)),
        );
        assert.equal(ours, theirs);
      },
    ),
    { numRuns: 200 },
  );
});

test('defaults: now and 180 days', () => {
  const before = Math.floor(Date.now() / 1000);
  const token = makeUserSig({ sdkappid: VECTOR.sdkappid, identifier: 'a', key: VECTOR.key });
  const after = Math.floor(Date.now() / 1000);
  const json = JSON.parse(inflateSync(decodeTencentBase64(token)!).toString('utf8')) as Record<string, number>;
  assert.ok(json['TLS.time']! >= before && json['TLS.time']! <= after);
  assert.equal(json['TLS.expire'], DEFAULT_USERSIG_EXPIRE_SECONDS);
  assert.equal(DEFAULT_USERSIG_EXPIRE_SECONDS, 15552000);
});

test('makeUserSig refuses numbers a verifier would reject, without echoing the key', () => {
  for (const bad of [
    { sdkappid: 1.5 },
    { sdkappid: -1 },
    { sdkappid: Number.NaN },
    { nowSeconds: -1 },
    { expireSeconds: 0.5 },
    { expireSeconds: 2 ** 60 },
  ]) {
    assert.throws(
      () => makeUserSig({ ...vectorOptions, ...bad }),
      (error) => error instanceof RangeError && !error.message.includes(VECTOR.key),
      JSON.stringify(bad),
    );
  }
});

test('property: make → verify roundtrip for random identifiers and keys', () => {
  fc.assert(
    fc.property(
      ...SIGN_INPUTS,
      (sdkappid, identifier, key, nowSeconds, expireSeconds, userbuf) => {
        const token = makeUserSig({
          sdkappid,
          identifier,
          key,
          nowSeconds,
          expireSeconds,
          ...(userbuf === undefined ? {} : { userbuf: Buffer.from(userbuf) }),
        });
        const verified = verifyUserSig({ token, sdkappid, identifier, key, nowSeconds: nowSeconds + expireSeconds });
        assert.deepEqual(verified, { sdkappid, identifier, expiresAt: nowSeconds + expireSeconds });
        assert.throws(() => verifyUserSig({ token, sdkappid, identifier, key: key + 'x', nowSeconds }), {
          failure: 'bad_signature',
        });
      },
    ),
    { numRuns: 200 },
  );
});
