// The UserSig failures of usersig.md and api.md, on every /v4 route of REST_ROUTES that requires a
// UserSig — found by registering the routes, so a new route is covered without a line here. Each
// route also gets a valid call, to show the failures are the route's and not a missing route's.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type RouteOptions } from 'fastify';
import { testDatabaseKinds } from '../../test/support/test-databases.js';
import { VECTOR } from '../../test/support/usersig-test-vectors.js';
import { envelopeOf, openRestHarness, SDKAPPID, type RestHarness } from '../../test/support/rest-test-harness.js';
import { makeUserSig } from '../usersig/make-usersig.js';
import { declaresAuth } from './authenticate.js';
import type { RestContext } from './rest-context.js';
import { REST_ROUTES } from './routes/index.js';

/** Method and URL of every /v4 route, and whether it takes a UserSig (else it declared auth 'none'). */
async function v4Routes(): Promise<{ method: string; url: string; userSig: boolean }[]> {
  const found: RouteOptions[] = [];
  const app = Fastify();
  app.addHook('onRoute', (route) => void found.push(route));
  // Registering reads no context; the routes are never called here.
  for (const route of REST_ROUTES) await app.register(route, { prefix: '/v4', ...({} as RestContext) });
  await app.ready();
  await app.close();
  return found
    .filter((r) => r.method !== 'HEAD')
    .map((r) => {
      assert.ok(declaresAuth(r), `${r.url} declares its authentication`);
      return { method: String(r.method), url: r.url, userSig: r.config?.auth !== 'none' };
    });
}

const routes = await v4Routes();
const userSigRoutes = routes.filter((r) => r.userSig);

test('the UserSig routes are found (getappinfo, getstats and ingest among them)', () => {
  for (const url of ['/v4/openconfigsvr/getappinfo', '/v4/imstats/getstats', '/v4/imstats/ingest']) {
    assert.ok(userSigRoutes.some((r) => r.url === url), url);
  }
});

/** Every auth refusal's code (a valid call on a route must answer none of them). */
const AUTH_CODES = new Set([60006, 60010, 60012, 70001, 70002, 70003, 70009, 70013, 70014, 70016, 70020, 70050]);

for (const kind of testDatabaseKinds()) {
  describe(`UserSig failures on every UserSig route (${kind})`, () => {
    let h: RestHarness;
    before(async () => {
      h = await openRestHarness(kind, { brakeThreshold: 100_000, accountBrakeThreshold: 100_000 });
      await h.apps.create({ sdkappid: 1400000100, name: 'Keyless', secretKey: 'placeholder' });
      await h.store.db.updateTable('apps').set({ secret_key: null }).where('sdkappid', '=', 1400000100).execute();
      await h.apps.create({ sdkappid: 1400000200, name: 'Disabled', secretKey: 'dk' });
      await h.apps.setEnabled(1400000200, false);
    });
    after(() => h.close());

    const expired = () =>
      makeUserSig({ sdkappid: SDKAPPID, identifier: 'administrator', key: VECTOR.key, nowSeconds: Math.floor(h.clock() / 1000) - 120, expireSeconds: 60 });
    const cases: [code: number, why: string, query: () => Record<string, string | undefined>][] = [
      [60012, 'no sdkappid', () => ({ sdkappid: undefined })],
      [70002, 'no usersig', () => ({ usersig: undefined })],
      [70002, 'empty usersig', () => ({ usersig: '' })],
      [70020, 'unknown SDKAppID', () => ({ sdkappid: '1400999999' })],
      [70016, 'app without a key', () => ({ sdkappid: '1400000100' })],
      [70003, 'undecodable UserSig', () => ({ usersig: 'not base64 !!' })],
      [70014, 'UserSig of another SDKAppID', () => ({ usersig: h.sign({ sdkappid: 1400000001 }) })],
      [70013, 'UserSig of another identifier', () => ({ usersig: h.sign({ identifier: 'ops' }) })],
      [70009, 'UserSig signed with another key', () => ({ usersig: h.sign({ key: VECTOR.wrongKey }) })],
      [70001, 'expired UserSig', () => ({ usersig: expired() })],
      [60010, 'valid UserSig of an account that is no admin', () => ({ identifier: 'alice', usersig: h.sign({ identifier: 'alice' }) })],
      [60006, 'disabled app', () => ({ sdkappid: '1400000200', usersig: h.sign({ sdkappid: 1400000200, key: 'dk' }) })],
    ];

    for (const route of userSigRoutes) {
      test(`${route.method} ${route.url}`, async () => {
        const path = route.url.slice('/v4'.length);
        const call = async (query: Record<string, string | undefined>) =>
          envelopeOf(await h.call({ path: route.url, method: route.method as 'POST', query, body: '{}' }));
        for (const [code, why, query] of cases) {
          const env = await call(query());
          assert.equal(env.ErrorCode, code, `${path}, ${why}: ${env.ErrorInfo}`);
          assert.equal(env.ActionStatus, 'FAIL');
        }
        const valid = await call({});
        assert.ok(!AUTH_CODES.has(valid.ErrorCode), `${path} with a valid UserSig answered ${valid.ErrorCode}: ${valid.ErrorInfo}`);
      });
    }
  });
}
