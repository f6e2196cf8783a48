import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUserSigDocument } from './usersig-document.js';
import { UserSigError } from './user-sig-error.js';
import { VECTOR, vectorDocument } from '../../test/support/usersig-test-vectors.js';

function undecodable(json: string): void {
  assert.throws(
    () => parseUserSigDocument(json),
    (error) => error instanceof UserSigError && error.failure === 'undecodable',
    json,
  );
}

test('parses the Node, Python and Go layouts to the same document', () => {
  const node = JSON.stringify(vectorDocument());
  const python =
    '{"TLS.ver": "2.0", "TLS.identifier": "administrator", "TLS.sdkappid": 1400000000, "TLS.expire": 15552000, "TLS.time": 1700000000, "TLS.sig": "JCzxanF8NTTXau4m+2h9wv7gYJnyNksm0xm1NEXU274="}';
  const go = node.replace('"TLS.time":1700000000,"TLS.expire":15552000', '"TLS.expire":15552000,"TLS.time":1700000000') + '\n';
  const expected = {
    ver: '2.0',
    identifier: VECTOR.identifier,
    sdkappid: VECTOR.sdkappid,
    time: VECTOR.time,
    expire: VECTOR.expire,
    sig: VECTOR.sig,
  };
  for (const json of [node, python, go]) assert.deepEqual(parseUserSigDocument(json), expected);
});

test('numeric strings are accepted; missing time and expire are 0 (Go omits zeros)', () => {
  const doc = { ...vectorDocument(), 'TLS.sdkappid': '1400000000', 'TLS.time': '1700000000', 'TLS.expire': '0' };
  const parsed = parseUserSigDocument(JSON.stringify(doc));
  assert.equal(parsed.sdkappid, 1400000000);
  assert.equal(parsed.time, 1700000000);
  assert.equal(parsed.expire, 0);
  const withoutTimes = vectorDocument();
  delete withoutTimes['TLS.time'];
  delete withoutTimes['TLS.expire'];
  const zero = parseUserSigDocument(JSON.stringify(withoutTimes));
  assert.equal(zero.time, 0);
  assert.equal(zero.expire, 0);
});

test('userbuf is kept exactly as written; null means absent', () => {
  const withUserbuf = parseUserSigDocument(JSON.stringify({ ...vectorDocument(), 'TLS.userbuf': VECTOR.userbufBase64 }));
  assert.equal(withUserbuf.userbuf, VECTOR.userbufBase64);
  const withNull = parseUserSigDocument(JSON.stringify({ ...vectorDocument(), 'TLS.userbuf': null }));
  assert.equal('userbuf' in withNull, false);
});

test('not JSON or not an object is undecodable', () => {
  for (const json of ['', 'not json', '[]', '[1,2]', '"string"', '42', 'null', 'true', '{"TLS.ver":"2.0"']) undecodable(json);
});

test('missing or mistyped fields are undecodable', () => {
  for (const field of ['TLS.ver', 'TLS.identifier', 'TLS.sdkappid', 'TLS.sig']) {
    const doc = vectorDocument();
    delete doc[field];
    undecodable(JSON.stringify(doc));
  }
  const wrong: Array<[string, unknown]> = [
    ['TLS.ver', '1.0'],
    ['TLS.ver', null],
    ['TLS.identifier', 42],
    ['TLS.identifier', null],
    ['TLS.sdkappid', 'abc'],
    ['TLS.sdkappid', 1400000000.5],
    ['TLS.sdkappid', -1],
    ['TLS.sdkappid', '01400000000'],
    ['TLS.sdkappid', ' 1400000000'],
    ['TLS.sdkappid', 2 ** 60],
    ['TLS.sdkappid', null],
    ['TLS.time', '1e9'],
    ['TLS.time', -5],
    ['TLS.time', true],
    ['TLS.expire', {}],
    ['TLS.expire', ''],
    ['TLS.userbuf', 12],
    ['TLS.sig', 12],
    ['TLS.sig', ['a']],
  ];
  for (const [field, value] of wrong) undecodable(JSON.stringify({ ...vectorDocument(), [field]: value }));
});

test('a legacy v1 (ECDSA) document is undecodable', () => {
  undecodable(
    JSON.stringify({
      'TLS.account_type': '0',
      'TLS.identifier': 'administrator',
      'TLS.appid_at_3rd': '0',
      'TLS.sdk_appid': '1400000000',
      'TLS.expire_after': '15552000',
      'TLS.version': '201512300000',
      'TLS.time': '1700000000',
      'TLS.sig': 'MEUCIQ',
    }),
  );
});

test('error messages name the field, not its value', () => {
  const secretish = 'zzSECRETzz';
  try {
    parseUserSigDocument(JSON.stringify({ ...vectorDocument(), 'TLS.sdkappid': secretish }));
    assert.fail('expected a failure');
  } catch (error) {
    assert.ok(error instanceof UserSigError);
    assert.match(error.message, /TLS\.sdkappid/);
    assert.ok(!error.message.includes(secretish));
  }
});
