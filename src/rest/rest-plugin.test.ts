import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { testDatabaseKinds } from '../../test/support/test-databases.js';
import { codeOf, envelopeOf, GETAPPINFO, openRestHarness, type RestHarness } from '../../test/support/rest-test-harness.js';

for (const kind of testDatabaseKinds()) {
  describe(`/v4 conventions on ${kind}`, () => {
    let h: RestHarness;
    before(async () => {
      h = await openRestHarness(kind);
    });
    after(() => h.close());

    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const) {
      test(`${method} → 60002 naming the method, HTTP 200`, async () => {
        const env = envelopeOf(await h.call({ method, body: method === 'GET' || method === 'OPTIONS' ? undefined : '{}' }));
        assert.deepEqual([env.ActionStatus, env.ErrorCode], ['FAIL', 60002]);
        assert.match(env.ErrorInfo, new RegExp(`method ${method} is not allowed; use POST`));
      });
    }

    test('unknown service/command → 60009 naming the path (no authentication needed to learn it)', async () => {
      for (const path of ['/v4/openconfigsvr/getappinfo2', '/v4/im_open_login_svc/account_import', '/v4', '/v4/']) {
        const env = envelopeOf(await h.call({ path, body: '{}' }));
        assert.equal(env.ErrorCode, 60009, path);
        assert.match(env.ErrorInfo, /unknown service\/command path: \/v4/);
      }
    });

    test('duplicate slashes (`//v4/...`, a base URL with a trailing slash) are tolerated', async () => {
      assert.equal(codeOf(await h.call({ path: `/${GETAPPINFO}`, body: '{}' })), 0);
      assert.equal(codeOf(await h.call({ path: '//v4//openconfigsvr/getappinfo', body: '{}' })), 0);
    });

    test('paths are outside the envelope elsewhere: /healthz is plain HTTP, unknown paths a plain 404', async () => {
      const health = await h.app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(health.statusCode, 200);
      assert.deepEqual(health.json(), { status: 'ok' });
      const missing = await h.app.inject({ method: 'POST', url: '/v3/openconfigsvr/getappinfo', payload: '{}' });
      assert.equal(missing.statusCode, 404);
      assert.equal(missing.json().ActionStatus, undefined);
    });

    const contentTypes = [
      'application/json',
      'application/json; charset=utf-8',
      'application/json;charset=UTF-8',
      'text/plain',
      'text/plain; charset=ISO-8859-1',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
      'json',
      ';;;',
    ];
    for (const contentType of contentTypes) {
      test(`body parsed as JSON whatever the Content-Type: ${contentType}`, async () => {
        const env = envelopeOf(await h.call({ body: '{"RequestField":["LoginTimes"]}', headers: { 'content-type': contentType } }));
        assert.equal(env.ErrorCode, 0, env.ErrorInfo);
        assert.deepEqual(Object.keys(env.Result![0]!), ['Date', 'LoginTimes']);
      });
    }

    test('body parsed as JSON without any Content-Type', async () => {
      const env = envelopeOf(await h.call({ body: '{"RequestField":["LoginTimes"]}', headers: {} }));
      assert.deepEqual(Object.keys(env.Result![0]!), ['Date', 'LoginTimes']);
    });

    test('authentication comes before the body: a bad UserSig with a bad body is the UserSig error', async () => {
      assert.equal(codeOf(await h.call({ query: { usersig: 'garbage' }, body: '{oops' })), 70003);
    });

    test('gzip when Accept-Encoding asks, for answers large and small; identity otherwise', async () => {
      const big = await h.call({ body: '{}', headers: { 'accept-encoding': 'gzip, deflate, br' } });
      assert.equal(big.headers['content-encoding'], 'gzip');
      assert.equal(big.headers['content-type'], 'application/json');
      assert.equal(JSON.parse(gunzipSync(big.rawPayload).toString()).Result.length, 30);
      const small = await h.call({ query: { usersig: undefined }, headers: { 'accept-encoding': 'gzip' } });
      assert.equal(small.headers['content-encoding'], 'gzip');
      assert.equal(JSON.parse(gunzipSync(small.rawPayload).toString()).ErrorCode, 70002);
      const plain = await h.call({ body: '{}' });
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.equal(JSON.parse(plain.body).ErrorCode, 0);
    });

    test('a malformed URL outside /v4 is plain HTTP 400, not the envelope', async () => {
      const res = await h.app.inject({ method: 'GET', url: '/health%zz' });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().ActionStatus, undefined);
      assert.equal(res.json().code, 'FST_ERR_BAD_URL');
    });

    test('a malformed URL under /v4 is 60002 over HTTP 200', async () => {
      const res = await h.app.inject({ method: 'POST', url: '/v4/open%zzconfigsvr/getappinfo?sdkappid=1', payload: '{}' });
      assert.equal(res.statusCode, 200);
      assert.equal(JSON.parse(res.body).ErrorCode, 60002);
    });
  });
}
