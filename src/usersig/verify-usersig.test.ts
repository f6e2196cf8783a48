import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync, deflateSync, gzipSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { MAX_INFLATED_USERSIG_BYTES, MAX_USERSIG_LENGTH } from './decode-usersig.js';
import { makeUserSig } from './make-usersig.js';
import { signUserSig } from './sign-usersig.js';
import { decodeTencentBase64, encodeTencentBase64 } from './tencent-base64.js';
import { UserSigError, type UserSigFailure } from './user-sig-error.js';
import { verifyUserSig, type VerifyUserSigOptions } from './verify-usersig.js';
import { withOfficialNodeLibrary } from '../../test/support/official-node-usersig.js';
import { VECTOR, tokenOfDocument, tokenOfText, vectorDocument } from '../../test/support/usersig-test-vectors.js';

const NOW = VECTOR.time + 1000;

function options(token: string, overrides: Partial<VerifyUserSigOptions> = {}): VerifyUserSigOptions {
  return { token, sdkappid: VECTOR.sdkappid, identifier: VECTOR.identifier, key: VECTOR.key, nowSeconds: NOW, ...overrides };
}

/** Asserts the failure, and that neither the token nor the key leaks into the message. */
function refused(failure: UserSigFailure, token: string, overrides: Partial<VerifyUserSigOptions> = {}): void {
  assert.throws(
    () => verifyUserSig(options(token, overrides)),
    (error) => {
      assert.ok(error instanceof UserSigError, `not a UserSigError: ${String(error)}`);
      assert.equal(error.failure, failure, error.message);
      // Very short tokens ("e") occur in any English sentence; longer ones must never appear.
      if (token.length >= 8) assert.ok(!error.message.includes(token), 'message quotes the token');
      assert.ok(!error.message.includes(overrides.key ?? VECTOR.key), 'message quotes the key');
      return true;
    },
  );
}

function inflatedDocument(token: string): Record<string, unknown> {
  return JSON.parse(inflateSync(decodeTencentBase64(token)!).toString('utf8')) as Record<string, unknown>;
}

test('spec vectors: Node, Python and Go-style (stored blocks, trailing newline) tokens verify', () => {
  const expected = { sdkappid: VECTOR.sdkappid, identifier: VECTOR.identifier, expiresAt: VECTOR.lastValidSecond };
  assert.ok(VECTOR.goToken.startsWith('eAE'), 'zlib stored blocks: 78 01');
  for (const token of [VECTOR.nodeToken, VECTOR.pythonToken, VECTOR.goToken]) {
    assert.deepEqual(verifyUserSig(options(token)), expected);
  }
});

test('spec vector: expiry boundary — valid at 1715552000, expired one second later', () => {
  for (const token of [VECTOR.nodeToken, VECTOR.pythonToken, VECTOR.goToken]) {
    assert.equal(verifyUserSig(options(token, { nowSeconds: VECTOR.lastValidSecond })).expiresAt, 1715552000);
    refused('expired', token, { nowSeconds: VECTOR.lastValidSecond + 1 });
  }
});

test('spec vector: a token signed with the key starting 6 instead of 5 is a bad signature', () => {
  const token = makeUserSig({
    sdkappid: VECTOR.sdkappid,
    identifier: VECTOR.identifier,
    key: VECTOR.wrongKey,
    nowSeconds: VECTOR.time,
    expireSeconds: VECTOR.expire,
  });
  assert.equal(inflatedDocument(token)['TLS.sig'] === VECTOR.sig, false);
  refused('bad_signature', token);
  // And the right token checked with the wrong key.
  refused('bad_signature', VECTOR.nodeToken, { key: VECTOR.wrongKey });
});

test('spec vector: userbuf is signed', () => {
  const doc = { ...vectorDocument(), 'TLS.userbuf': VECTOR.userbufBase64, 'TLS.sig': VECTOR.userbufSig };
  assert.equal(verifyUserSig(options(tokenOfDocument(doc))).expiresAt, VECTOR.lastValidSecond);
  refused('bad_signature', tokenOfDocument({ ...doc, 'TLS.userbuf': 'aGVsbG8tdXNlcmJ1Zh==' }));
  refused('bad_signature', tokenOfDocument({ ...doc, 'TLS.sig': VECTOR.sig })); // userbuf added after signing
  const { ['TLS.userbuf']: _removed, ...withoutUserbuf } = doc;
  refused('bad_signature', tokenOfDocument(withoutUserbuf));
});

test("tokens from Tencent's tls-sig-api-v2 verify (plain, userbuf, PrivateMapKey)", () => {
  const made = withOfficialNodeLibrary(VECTOR.sdkappid, VECTOR.key, VECTOR.time, (api) => [
    api.genUserSig(VECTOR.identifier, VECTOR.expire),
    api.genSig(VECTOR.identifier, VECTOR.expire, VECTOR.userbuf),
    api.genPrivateMapKey(VECTOR.identifier, VECTOR.expire, 1234, 255),
  ]);
  for (const token of made) {
    assert.equal(verifyUserSig(options(token)).expiresAt, VECTOR.lastValidSecond);
    refused('bad_signature', token, { key: VECTOR.wrongKey });
  }
});

test('property: random tls-sig-api-v2 tokens verify, and fail for another key', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 2 ** 32 - 1 }),
      fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/),
      fc.string({ minLength: 1, maxLength: 64 }),
      fc.integer({ min: 0, max: 4_000_000_000 }),
      fc.integer({ min: 1, max: 10 * 365 * 86400 }),
      (sdkappid, identifier, key, time, expire) => {
        const token = withOfficialNodeLibrary(sdkappid, key, time, (api) => api.genUserSig(identifier, expire));
        const check = { token, sdkappid, identifier, key, nowSeconds: time + expire };
        assert.deepEqual(verifyUserSig(check), { sdkappid, identifier, expiresAt: time + expire });
        assert.throws(() => verifyUserSig({ ...check, key: `${key}!` }), { failure: 'bad_signature' });
      },
    ),
    { numRuns: 200 },
  );
});

test('empty token', () => {
  refused('empty', '');
});

test('standard-alphabet token and missing padding verify', () => {
  const standard = VECTOR.nodeToken.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
  assert.ok(/[+/=]/.test(standard));
  assert.equal(verifyUserSig(options(standard)).identifier, VECTOR.identifier);
  assert.equal(verifyUserSig(options(VECTOR.nodeToken.replace(/_+$/, ''))).identifier, VECTOR.identifier);
  assert.equal(verifyUserSig(options(standard.replace(/=+$/, ''))).identifier, VECTOR.identifier);
  assert.equal(verifyUserSig(options(VECTOR.pythonToken.replace(/_+$/, ''))).identifier, VECTOR.identifier);
});

test('numeric strings and a Go document without time/expire verify', () => {
  const stringy = {
    ...vectorDocument(),
    'TLS.sdkappid': String(VECTOR.sdkappid),
    'TLS.time': String(VECTOR.time),
    'TLS.expire': String(VECTOR.expire),
  };
  assert.equal(verifyUserSig(options(tokenOfDocument(stringy))).expiresAt, VECTOR.lastValidSecond);

  const zeroFields = { identifier: VECTOR.identifier, sdkappid: VECTOR.sdkappid, time: 0, expire: 0 };
  const goZero = {
    'TLS.ver': '2.0',
    'TLS.identifier': VECTOR.identifier,
    'TLS.sdkappid': VECTOR.sdkappid,
    'TLS.sig': signUserSig(zeroFields, VECTOR.key).toString('base64'),
  };
  const token = tokenOfText(JSON.stringify(goZero) + '\n', 0);
  assert.equal(verifyUserSig(options(token, { nowSeconds: 0 })).expiresAt, 0);
  refused('expired', token, { nowSeconds: 1 });
});

test('checks run in the documented order', () => {
  // Wrong app, wrong identifier, expired and badly signed at once: the app is reported first.
  const everythingWrong = makeUserSig({
    sdkappid: 1400000001,
    identifier: 'someone',
    key: VECTOR.wrongKey,
    nowSeconds: 1000,
    expireSeconds: 10,
  });
  refused('sdkappid_mismatch', everythingWrong);
  refused('identifier_mismatch', everythingWrong, { sdkappid: 1400000001 });
  refused('expired', everythingWrong, { sdkappid: 1400000001, identifier: 'someone' });
  refused('bad_signature', everythingWrong, { sdkappid: 1400000001, identifier: 'someone', nowSeconds: 1010 });
  // An undecodable token is reported before any comparison.
  refused('undecodable', 'eJ!!', { sdkappid: 1, identifier: 'x', nowSeconds: 2 ** 40 });
});

test('identifier comparison is exact and case-sensitive', () => {
  for (const identifier of ['Administrator', 'ADMINISTRATOR', 'administrator ', ' administrator', 'admin', '']) {
    refused('identifier_mismatch', VECTOR.nodeToken, { identifier });
  }
});

test('tampering: a flipped signature byte is a bad signature', () => {
  const sig = Buffer.from(VECTOR.sig, 'base64');
  for (let i = 0; i < sig.length; i++) {
    for (const bit of [0x01, 0x80]) {
      const flipped = Buffer.from(sig);
      flipped[i]! ^= bit;
      refused('bad_signature', tokenOfDocument({ ...vectorDocument(), 'TLS.sig': flipped.toString('base64') }));
    }
  }
  refused('bad_signature', tokenOfDocument({ ...vectorDocument(), 'TLS.sig': '' }));
  refused('bad_signature', tokenOfDocument({ ...vectorDocument(), 'TLS.sig': VECTOR.sig.slice(0, 40) }));
  refused('bad_signature', tokenOfDocument({ ...vectorDocument(), 'TLS.sig': `${VECTOR.sig}AAAA` }));
  refused('bad_signature', tokenOfDocument({ ...vectorDocument(), 'TLS.sig': 'not base64 at all!' }));
});

test('tampering: a changed identifier, time or expire re-compressed is a bad signature', () => {
  const changedIdentifier = tokenOfDocument({ ...vectorDocument(), 'TLS.identifier': 'root' });
  refused('bad_signature', changedIdentifier, { identifier: 'root' });
  refused('identifier_mismatch', changedIdentifier);
  refused('bad_signature', tokenOfDocument({ ...vectorDocument(), 'TLS.expire': VECTOR.expire * 10 }));
  refused('bad_signature', tokenOfDocument({ ...vectorDocument(), 'TLS.time': VECTOR.time + 1 }));
  refused('bad_signature', tokenOfDocument({ ...vectorDocument(), 'TLS.sdkappid': 1400000001 }), { sdkappid: 1400000001 });
});

test('tampering: re-ordered JSON or another zlib level still verifies (only the content is signed)', () => {
  const doc = vectorDocument();
  const reversed = Object.fromEntries(Object.entries(doc).reverse());
  for (const level of [0, 1, 9]) assert.equal(verifyUserSig(options(tokenOfDocument(reversed, level))).identifier, VECTOR.identifier);
  assert.equal(verifyUserSig(options(tokenOfText(JSON.stringify(doc, null, 2)))).identifier, VECTOR.identifier);
});

test('tampering: every single-character change of a token is refused', () => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-';
  let refusedCount = 0;
  for (let i = 0; i < VECTOR.nodeToken.length - 2; i++) {
    const original = VECTOR.nodeToken[i]!;
    const replacement = alphabet[(alphabet.indexOf(original) + 17) % alphabet.length];
    const token = VECTOR.nodeToken.slice(0, i) + replacement + VECTOR.nodeToken.slice(i + 1);
    assert.throws(() => verifyUserSig(options(token)), UserSigError, `position ${i}`);
    refusedCount++;
  }
  assert.equal(refusedCount, VECTOR.nodeToken.length - 2);
});

test('truncated tokens are undecodable', () => {
  // Dropping only the two padding characters leaves a valid token, so stop before that.
  for (let length = 1; length <= VECTOR.nodeToken.length - 3; length++) {
    refused('undecodable', VECTOR.nodeToken.slice(0, length));
  }
  for (let length = 1; length < VECTOR.goToken.length; length++) refused('undecodable', VECTOR.goToken.slice(0, length));
});

test('bad base64 characters are undecodable', () => {
  const t = VECTOR.nodeToken;
  for (const token of [
    `${t.slice(0, 10)}!${t.slice(11)}`,
    `${t.slice(0, 10)} ${t.slice(11)}`,
    `${t.slice(0, 10)}.${t.slice(11)}`,
    t.replace(/\*/g, '%2A'), // still URL-encoded
    `${t}\n`,
    ` ${t}`,
    `${t.slice(0, 10)}é${t.slice(11)}`,
    `${t}_`, // wrong amount of padding
    `${t.slice(0, 20)}_${t.slice(20)}`, // padding in the middle
  ]) {
    refused('undecodable', token);
  }
});

test('not zlib: raw JSON, raw deflate, gzip are undecodable', () => {
  const json = Buffer.from(JSON.stringify(vectorDocument()));
  refused('undecodable', encodeTencentBase64(json));
  refused('undecodable', encodeTencentBase64(deflateRawSync(json)));
  refused('undecodable', encodeTencentBase64(gzipSync(json)));
  refused('undecodable', encodeTencentBase64(Buffer.from([0x78, 0x9c])));
  // A valid stream whose Adler-32 was altered.
  const good = deflateSync(json);
  good[good.length - 1]! ^= 0xff;
  refused('undecodable', encodeTencentBase64(good));
});

test('zlib of a non-object, of non-UTF-8, or of a document with a missing field is undecodable', () => {
  for (const text of ['[]', '"administrator"', '1400000000', 'null', 'true', '', 'TLS.identifier:administrator']) {
    refused('undecodable', tokenOfText(text));
  }
  refused('undecodable', tokenOfText(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])));
  for (const field of Object.keys(vectorDocument()).filter((f) => f !== 'TLS.time' && f !== 'TLS.expire')) {
    const doc = vectorDocument();
    delete doc[field];
    refused('undecodable', tokenOfDocument(doc));
  }
  refused('undecodable', tokenOfDocument({ ...vectorDocument(), 'TLS.sdkappid': 'abc' }));
});

test('inflated size: exactly 16 KiB is accepted, one byte more is a zlib bomb', () => {
  const json = JSON.stringify(vectorDocument());
  const padded = (size: number) => json.slice(0, -1) + ' '.repeat(size - json.length) + '}';
  assert.equal(Buffer.byteLength(padded(MAX_INFLATED_USERSIG_BYTES)), 16 * 1024);
  assert.equal(verifyUserSig(options(tokenOfText(padded(MAX_INFLATED_USERSIG_BYTES)))).identifier, VECTOR.identifier);
  refused('undecodable', tokenOfText(padded(MAX_INFLATED_USERSIG_BYTES + 1)));
  const bomb = tokenOfText(Buffer.alloc(64 * 1024 * 1024, 0x20), 9);
  assert.ok(bomb.length < 200_000, 'the bomb is small on the wire');
  refused('undecodable', bomb);
});

test('garbage: a 10,000-character token and random strings are refused, never accepted', () => {
  refused('undecodable', 'A'.repeat(10_000));
  refused('undecodable', 'eJ' + 'x'.repeat(9_998));
  refused('undecodable', 'x'.repeat(MAX_USERSIG_LENGTH + 1));
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 10_000 }), (token) => {
      assert.throws(() => verifyUserSig(options(token)), UserSigError);
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.stringMatching(/^eJ[A-Za-z0-9*-]{10,2000}_{0,2}$/), (token) => {
      assert.throws(() => verifyUserSig(options(token)), UserSigError);
    }),
    { numRuns: 300 },
  );
});
