// Console tokens end to end: the CLI issues them, the database holds only their hash, the /v4
// routes accept them only where they read, the brake stops guessing, revocation is at once.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { runCaptured } from '../cli/run-captured.js';
import { envelopeOf, openRestHarness, SDKAPPID, NOW_MS, type RestHarness } from '../../test/support/rest-test-harness.js';
import { buildApp } from '../server/build-app.js';
import { openTestStore, testDatabaseKinds } from '../../test/support/test-databases.js';
import { TokensRepo } from './tokens-repo.js';

const OTHER_APP = 1400000300;
const DISABLED_APP = 1400000400;
const GETAPPINFO = '/v4/openconfigsvr/getappinfo';
const APPS = '/v4/imstats/apps';

/**
 * What a valid operator token gets on each route. Every route the server has must be listed: a
 * new route fails the table test until someone decides whether a read-only token may use it.
 * `reads`: answered (ErrorCode 0); `refused`: 60010 "read-only"; `public`: outside /v4, no
 * credentials at all (health check, the console's static files).
 */
const ROUTE_TABLE: Readonly<Record<string, 'reads' | 'refused' | 'public' | 'own-secret'>> = {
  'POST /v4/openconfigsvr/getappinfo': 'reads',
  'POST /v4/imstats/getstats': 'reads',
  'GET /v4/imstats/apps': 'reads',
  'POST /v4/imstats/ingest': 'refused',
  'POST /v4/imstats/callback': 'refused',
  'POST /v4/imstats/openim/:sdkappid/:secret/:command': 'own-secret',
  'GET /healthz': 'public',
  'GET /console': 'public',
  'GET /console/': 'public',
  'GET /console/*': 'public',
  'GET /console/fields.json': 'public',
  'GET /console/vendor/*': 'public',
};

for (const kind of testDatabaseKinds()) {
  describe(`console tokens on ${kind}`, () => {
    let h: RestHarness;
    let url: string;
    let sqliteDir: string | undefined;
    const routes: string[] = [];
    const cli = (...args: string[]) => runCaptured([...args, '--db', url], { now: () => h.clock() });
    const createToken = async (...args: string[]) => {
      const run = await cli('token', 'create', ...args);
      assert.equal(run.code, 0, run.stderr);
      const token = run.stdout.trim();
      assert.match(token, /^imst_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
      return { token, id: token.slice(5, 17) };
    };
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const call = (app: FastifyInstance, method: 'GET' | 'POST', path: string, headers: Record<string, string>, query = `sdkappid=${SDKAPPID}`, remoteAddress = '10.0.0.1') =>
      app.inject({ method, url: `${path}?${query}`, headers, remoteAddress, ...(method === 'POST' ? { payload: '{}' } : {}) });
    const codeOf = (res: LightMyRequestResponse) => envelopeOf(res).ErrorCode;

    before(async () => {
      const store = await openTestStore(kind);
      url = store.testDatabase.url;
      if (url.startsWith('sqlite:')) sqliteDir = dirname(url.slice('sqlite:'.length));
      h = await openRestHarness(store, { brakeThreshold: 5 });
      await h.apps.create({ sdkappid: OTHER_APP, name: 'Other', company: 'Beta', timezone: 'Europe/Berlin', createdAt: NOW_MS - 10 * 86_400_000 });
      await h.apps.create({ sdkappid: DISABLED_APP, name: 'Off', createdAt: NOW_MS });
      await h.apps.setEnabled(DISABLED_APP, false);
      // A second app instance on the same server, built only to list its routes.
      const probe = buildApp({ store: h.store, nowMs: h.clock });
      probe.addHook('onRoute', (r) => {
        for (const m of [r.method].flat()) if (m !== 'HEAD') routes.push(`${m} ${r.url}`);
      });
      await probe.ready();
      await probe.close();
    });
    after(() => h.close());

    test('token create prints the token once; the database holds only its SHA-256', async () => {
      const { token, id } = await createToken('--sdkappid', String(SDKAPPID), '--name', 'ops laptop');
      const rows = await h.store.db.selectFrom('console_tokens').selectAll().where('id', '=', id).execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.token_hash, createHash('sha256').update(token).digest('hex'));
      const secret = token.slice(18);
      const everything = JSON.stringify(await h.store.db.selectFrom('console_tokens').selectAll().execute());
      assert.ok(!everything.includes(secret), 'no column holds the secret');
      if (sqliteDir) {
        // The database files themselves (WAL included) never saw the token.
        for (const f of readdirSync(sqliteDir)) assert.ok(!readFileSync(`${sqliteDir}/${f}`).includes(secret), f);
      }
      const list = await cli('token', 'list');
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, new RegExp(`^${id}\\s+ops laptop\\s+app ${SDKAPPID}\\s.*never\\s+never\\s+active\\s*$`, 'm'));
      assert.ok(!list.stdout.includes(secret) && !list.stderr.includes(secret));
    });

    test('token create refuses an unclear scope, an unknown app and a bad expiry', async () => {
      for (const args of [[], ['--sdkappid', String(SDKAPPID), '--all-apps']]) {
        const run = await cli('token', 'create', ...args);
        assert.equal(run.code, 1);
        assert.match(run.stderr, /either --sdkappid N or --all-apps/);
      }
      const unknown = await cli('token', 'create', '--sdkappid', '1499999999');
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /app 1499999999 does not exist/);
      const bad = await cli('token', 'create', '--all-apps', '--expires', '0');
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /positive integer/);
    });

    test('every route is classified, and a valid token does exactly what its class says', async () => {
      const unclassified = routes.filter((r) => ROUTE_TABLE[r] === undefined);
      assert.deepEqual(unclassified, [], 'classify new routes in ROUTE_TABLE');
      for (const known of ['POST /v4/openconfigsvr/getappinfo', 'GET /v4/imstats/apps', 'POST /v4/imstats/ingest', 'POST /v4/imstats/callback']) assert.ok(routes.includes(known), known);
      const { token } = await createToken('--all-apps');
      for (const route of routes) {
        const [method, path] = route.split(' ') as ['GET' | 'POST', string];
        const expected = ROUTE_TABLE[route]!;
        if (expected === 'public') continue;
        const res = await call(h.app, method, path, bearer(token));
        if (expected === 'own-secret') {
          // OpenIM's webhook route ignores Authorization: only the app's URL secret lets a webhook in.
          const body = JSON.parse(res.body) as { errCode?: number; actionCode?: number };
          assert.notEqual(body.errCode, 0, `${route}: a console token must not pass the URL secret`);
          continue;
        }
        const env = envelopeOf(res);
        if (expected === 'reads') assert.equal(env.ErrorCode, 0, `${route}: ${env.ErrorInfo}`);
        else {
          assert.equal(env.ErrorCode, 60010, `${route}: ${env.ErrorInfo}`);
          assert.match(env.ErrorInfo, /console tokens are read-only; POST \/v4\/imstats\/\w+ needs a UserSig/);
        }
      }
    });

    test('a refused write changes nothing (ingest with a valid body and a token)', async () => {
      const { token } = await createToken('--all-apps');
      const before = await h.store.db.selectFrom('app_state').selectAll().execute();
      const line = JSON.stringify({ type: 'user.register', time: NOW_MS - 1000, user: 'u1' });
      const res = await h.app.inject({ method: 'POST', url: `/v4/imstats/ingest?sdkappid=${SDKAPPID}`, headers: bearer(token), payload: line, remoteAddress: '10.0.0.2' });
      assert.equal(codeOf(res), 60010);
      assert.deepEqual(await h.store.db.selectFrom('app_state').selectAll().execute(), before);
      // With a UserSig the same body is accepted, so the refusal was the token's.
      const ok = await h.call({ path: '/v4/imstats/ingest', body: line });
      assert.equal(codeOf(ok), 0, ok.body);
    });

    test('an app token reads its app only; an operator token reads every app; /apps lists what the token may read', async () => {
      const app = await createToken('--sdkappid', String(SDKAPPID));
      const op = await createToken('--all-apps', '--name', 'operator');
      assert.equal(codeOf(await call(h.app, 'POST', GETAPPINFO, bearer(app.token))), 0);
      for (const sdkappid of [OTHER_APP, 1499999999]) {
        const env = envelopeOf(await call(h.app, 'POST', GETAPPINFO, bearer(app.token), `sdkappid=${sdkappid}`));
        assert.equal(env.ErrorCode, 60010);
        assert.match(env.ErrorInfo, new RegExp(`console token ${app.id} reads app ${SDKAPPID} only, not "${sdkappid}"`));
      }
      assert.equal(codeOf(await call(h.app, 'POST', GETAPPINFO, bearer(op.token), `sdkappid=${OTHER_APP}`)), 0);
      assert.equal(codeOf(await call(h.app, 'POST', GETAPPINFO, bearer(op.token), 'sdkappid=1499999999')), 70020);
      assert.equal(codeOf(await call(h.app, 'POST', GETAPPINFO, bearer(op.token), `sdkappid=${DISABLED_APP}`)), 60006);
      assert.equal(codeOf(await call(h.app, 'POST', GETAPPINFO, bearer(op.token), 'random=1')), 60012);

      const one = JSON.parse((await call(h.app, 'GET', APPS, bearer(app.token), '')).body);
      assert.deepEqual(one, {
        ActionStatus: 'OK',
        Apps: [{ AppName: 'Demo App', Company: 'ACME Ltd', Enabled: '1', SDKAppID: String(SDKAPPID), TimeZone: 'Asia/Shanghai' }],
        ErrorCode: 0,
        ErrorInfo: 'OK',
      });
      const all = JSON.parse((await call(h.app, 'GET', APPS, bearer(op.token), '')).body) as { Apps: { SDKAppID: string; TimeZone: string }[] };
      assert.deepEqual(all.Apps.map((a) => [a.SDKAppID, a.TimeZone]), [
        [String(SDKAPPID), 'Asia/Shanghai'],
        [String(OTHER_APP), 'Europe/Berlin'],
        [String(DISABLED_APP), 'Asia/Shanghai'],
      ]);
      const none = envelopeOf(await call(h.app, 'GET', APPS, {}, ''));
      assert.equal(none.ErrorCode, 70080);
      assert.match(none.ErrorInfo, /Authorization: Bearer/);
    });

    test('the answer with a token is the answer with a UserSig, byte for byte', async () => {
      const { token } = await createToken('--sdkappid', String(SDKAPPID));
      await h.seedDay('20240614', { LoginTimes: 7, UpMsgNum: 3 });
      const withToken = await call(h.app, 'POST', GETAPPINFO, bearer(token));
      const withSig = await h.call({ body: '{}' });
      assert.equal(withToken.body, withSig.body);
      assert.match(withToken.body, /"LoginTimes":"7"/);
    });

    test('revocation is refused at once on this node and on another node sharing the database', async () => {
      const { token, id } = await createToken('--sdkappid', String(SDKAPPID));
      const other = buildApp({ store: h.store, nowMs: h.clock });
      await other.ready();
      try {
        for (const node of [h.app, other]) assert.equal(codeOf(await call(node, 'POST', GETAPPINFO, bearer(token), undefined, '10.1.0.1')), 0);
        const revoked = await cli('token', 'revoke', id);
        assert.equal(revoked.code, 0, revoked.stderr);
        assert.match(revoked.stdout, new RegExp(`revoked token ${id}`));
        // No clock advance: nothing caches a token.
        for (const node of [h.app, other]) {
          for (const [method, path, query] of [['POST', GETAPPINFO, undefined], ['GET', APPS, '']] as const) {
            const env = envelopeOf(await call(node, method, path, bearer(token), query, '10.1.0.2'));
            assert.equal(env.ErrorCode, 70080);
            assert.match(env.ErrorInfo, new RegExp(`token ${id} was revoked at`));
          }
        }
        const again = await cli('token', 'revoke', id);
        assert.equal(again.code, 1);
        assert.match(again.stderr, /already revoked/);
        assert.match((await cli('token', 'list')).stdout, new RegExp(`^${id}\\s.*revoked\\s*$`, 'm'));
        assert.match((await cli('token', 'revoke', 'nope')).stderr, /"nope" does not exist/);
      } finally {
        await other.close();
      }
    });

    test('expiry and last-used time', async () => {
      const { token, id } = await createToken('--sdkappid', String(SDKAPPID), '--expires', '2');
      const repo = new TokensRepo(h.store);
      const created = (await repo.get(id))!;
      assert.equal(created.expiresAt, h.clock() + 2 * 86_400_000);
      assert.equal(created.lastUsedAt, null);
      const start = h.clock();
      assert.equal(codeOf(await call(h.app, 'POST', GETAPPINFO, bearer(token), undefined, '10.2.0.1')), 0);
      assert.equal((await repo.get(id))!.lastUsedAt, start);
      h.clock.advance(30_000);
      await call(h.app, 'POST', GETAPPINFO, bearer(token), undefined, '10.2.0.1');
      assert.equal((await repo.get(id))!.lastUsedAt, start, 'written at most once a minute');
      h.clock.advance(31_000);
      await call(h.app, 'POST', GETAPPINFO, bearer(token), undefined, '10.2.0.1');
      assert.equal((await repo.get(id))!.lastUsedAt, start + 61_000);
      h.clock.set(created.expiresAt! - 1);
      assert.equal(codeOf(await call(h.app, 'POST', GETAPPINFO, bearer(token), undefined, '10.2.0.1')), 0);
      h.clock.set(created.expiresAt!);
      const env = envelopeOf(await call(h.app, 'POST', GETAPPINFO, bearer(token), undefined, '10.2.0.1'));
      assert.equal(env.ErrorCode, 70080);
      assert.match(env.ErrorInfo, /expired at/);
      assert.match((await cli('token', 'list')).stdout, new RegExp(`^${id}\\s.*expired\\s*$`, 'm'));
      h.clock.set(NOW_MS);
    });

    test('guessing tokens engages the 70050 brake for that client, UserSigs included; others are unaffected', async () => {
      const { token, id } = await createToken('--sdkappid', String(SDKAPPID));
      const guesser = '10.3.0.1';
      const guesses = [`imst_${id}_${'A'.repeat(43)}`, 'imst_000000000000_' + 'b'.repeat(43), 'not-a-token', token.slice(0, -1), token + 'x', token.toUpperCase()];
      for (const guess of guesses.slice(0, 5)) assert.equal(codeOf(await call(h.app, 'POST', GETAPPINFO, bearer(guess), undefined, guesser)), 70080);
      // Over the threshold (5): the guesser is refused even with the real token, and with a UserSig.
      assert.equal(codeOf(await call(h.app, 'POST', GETAPPINFO, bearer(guesses[5]!), undefined, guesser)), 70080);
      assert.equal(codeOf(await call(h.app, 'POST', GETAPPINFO, bearer(token), undefined, guesser)), 70050);
      // The brake is keyed by (client, app): the guesses named this app, so /apps (no app) is another key.
      assert.equal(codeOf(await call(h.app, 'GET', APPS, bearer(token), '', guesser)), 0);
      // A UserSig already verified passes the brake (limits/signature-brake.ts): guesses cannot lock out a signed admin.
      assert.equal(codeOf(await h.call({ body: '{}', remoteAddress: guesser })), 0);
      assert.equal(codeOf(await call(h.app, 'POST', GETAPPINFO, bearer(token), undefined, '10.3.0.2')), 0);
      h.clock.advance(60_000);
      assert.equal(codeOf(await call(h.app, 'POST', GETAPPINFO, bearer(token), undefined, guesser)), 0);
      h.clock.set(NOW_MS);
    });

    test('fuzz: any Authorization header is a clean envelope, never data', async () => {
      const { token } = await createToken('--all-apps');
      let client = 0;
      const header = fc.oneof(
        fc.string({ unit: fc.constantFrom(...'abcXYZ019_-+/=. \t'.split('')), maxLength: 80 }).map((s) => `Bearer ${s}`),
        fc.string({ maxLength: 60 }).map((s) => `Bearer imst_${s}`),
        fc.nat({ max: token.length - 1 }).map((i) => `Bearer ${token.slice(0, i)}${token[i] === 'a' ? 'b' : 'a'}${token.slice(i + 1)}`),
        fc.string({ unit: fc.constantFrom(...' !#$%&()*+,-./0123456789:;<=>?@ABCabc~'.split('')), maxLength: 40 }).map((s) => `bearer${s}`),
      );
      await fc.assert(
        fc.asyncProperty(header, fc.constantFrom(GETAPPINFO, APPS), async (value, path) => {
          const res = await h.app.inject({ method: path === APPS ? 'GET' : 'POST', url: `${path}?sdkappid=${SDKAPPID}`, headers: { authorization: value }, payload: path === APPS ? undefined : '{}', remoteAddress: `10.9.${client >> 8}.${client++ & 255}` });
          const env = envelopeOf(res);
          assert.notEqual(env.ErrorCode, 0, `accepted ${JSON.stringify(value)}`);
          assert.ok([70080, 70002, 70003].includes(env.ErrorCode), `${value}: ${env.ErrorCode} ${env.ErrorInfo}`);
          assert.equal(env.Result, undefined);
        }),
        { numRuns: 150 },
      );
    });
  });
}

for (const kind of testDatabaseKinds()) {
  test(`a console token counts in the frequency limit (api.md): getappinfo per app, /apps per token (${kind})`, async () => {
    const h = await openRestHarness(kind, { rateLimit: 2 });
    try {
      const { token } = await new TokensRepo(h.store).create({ sdkappid: null, name: 'ops', now: NOW_MS });
      const codes = async (method: 'GET' | 'POST', path: string) => {
        const out: number[] = [];
        for (let i = 0; i < 3; i++) {
          const res = await h.app.inject({ method, url: `${path}?sdkappid=${SDKAPPID}`, headers: { authorization: `Bearer ${token}` }, ...(method === 'POST' ? { payload: '{}' } : {}) });
          out.push(envelopeOf(res).ErrorCode);
        }
        return out;
      };
      assert.deepEqual(await codes('POST', GETAPPINFO), [0, 0, 60007]);
      assert.deepEqual(await codes('GET', APPS), [0, 0, 60007]);
    } finally {
      await h.close();
    }
  });
}
