import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactUrl } from './redact-url.js';

test('redactUrl hides the UserSig whatever the parameter case, and nothing else', () => {
  assert.equal(
    redactUrl('/v4/openconfigsvr/getappinfo?sdkappid=1&usersig=eJyr*abc-_&random=2'),
    '/v4/openconfigsvr/getappinfo?sdkappid=1&usersig=***&random=2',
  );
  assert.equal(redactUrl('/v4/x?userSig=abc'), '/v4/x?userSig=***');
  assert.equal(redactUrl('/v4/x?USERSIG=abc#frag'), '/v4/x?USERSIG=***#frag');
  assert.equal(redactUrl('/healthz'), '/healthz');
  assert.equal(redactUrl('/v4/x?notusersig=abc'), '/v4/x?notusersig=abc');
});

test('redactUrl hides the secret of an OpenIM webhook path, keeping the app and the command', () => {
  assert.equal(
    redactUrl('/v4/imstats/openim/1400000015/9f86d081884c7d659a2feaa0c55ad015/callbackAfterSendSingleMsgCommand?key=eyJ9'),
    '/v4/imstats/openim/1400000015/***/callbackAfterSendSingleMsgCommand?key=eyJ9',
  );
  assert.equal(redactUrl('/v4/imstats/openim/1400000015/s3cr3t-s3cr3t-s3cr3t'), '/v4/imstats/openim/1400000015/***');
});
