import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { redactUrl } from './redact-url.js';

test('redactUrl hides the UserSig and a callback Sign whatever the parameter case, and nothing else', () => {
  assert.equal(
    redactUrl('/v4/openconfigsvr/getappinfo?sdkappid=1&usersig=eJyr*abc-_&random=2'),
    '/v4/openconfigsvr/getappinfo?sdkappid=1&usersig=***&random=2',
  );
  assert.equal(redactUrl('/v4/x?userSig=abc'), '/v4/x?userSig=***');
  assert.equal(redactUrl('/v4/x?USERSIG=abc#frag'), '/v4/x?USERSIG=***#frag');
  assert.equal(redactUrl('/v4/imstats/callback?SdkAppid=1&RequestTime=2&Sign=abcdef'), '/v4/imstats/callback?SdkAppid=1&RequestTime=2&Sign=***');
  assert.equal(redactUrl('/v4/x?user%53ig=abc&%75sersig=def'), '/v4/x?user%53ig=***&%75sersig=***');
  assert.equal(redactUrl('/healthz'), '/healthz');
  assert.equal(redactUrl('/v4/x?notusersig=abc&signature=x'), '/v4/x?notusersig=abc&signature=x');
});

test('property: a usersig value never survives redaction, whatever surrounds it', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.stringMatching(/^[a-z%0-9]{0,8}$/), fc.string({ maxLength: 12 }))),
      fc.constantFrom('usersig', 'UserSig', 'USERSIG', 'sign', 'Sign', 'user%53ig'),
      fc.stringMatching(/^[A-Za-z0-9*_-]{24,40}$/),
      fc.nat(5),
      (others, name, secret, at) => {
        const parts = others.map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
        parts.splice(Math.min(at, parts.length), 0, `${name}=${secret}`);
        assert.ok(!redactUrl(`/v4/a?${parts.join('&')}`).includes(secret));
      },
    ),
  );
});

test('redactUrl hides the secret of an OpenIM webhook path, keeping the app and the command', () => {
  assert.equal(
    redactUrl('/v4/imstats/openim/1400000015/9f86d081884c7d659a2feaa0c55ad015/callbackAfterSendSingleMsgCommand?key=eyJ9'),
    '/v4/imstats/openim/1400000015/***/callbackAfterSendSingleMsgCommand?key=eyJ9',
  );
  assert.equal(redactUrl('/v4/imstats/openim/1400000015/s3cr3t-s3cr3t-s3cr3t'), '/v4/imstats/openim/1400000015/***');
});
