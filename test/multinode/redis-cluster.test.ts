// Several API nodes sharing one database and one Redis: the frequency limit holds for the
// cluster, and app, key and token changes reach every node at once.
import { test, after } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { AppsRepo } from '../../src/store/apps-repo.js';
import { openStore } from '../../src/store/store.js';
import { TokensRepo } from '../../src/tokens/tokens-repo.js';
import { ERROR_CODES } from '../../src/rest/error-codes.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/test-databases.js';
import { sharedRedisUrl, uniqueRedisPrefix } from '../support/redis-test.js';
import { call, getAppInfoUrl, load, RATE_LIMITED, runCli, startNode, type RedisNode } from './redis-node.js';

const APP = 1400000777;
const OLD_KEY = 'a'.repeat(64);
const NEW_KEY = 'b'.repeat(64);
/** "± a few" of 200: at most 5% over. */
const LIMIT_SLACK = 10;

const nodes: RedisNode[] = [];
const databases: TestDatabase[] = [];
after(async () => {
  await Promise.all(nodes.map((n) => n.child.stop()));
  await Promise.all(databases.map((d) => d.drop()));
});

async function databaseWithApp(kind: Parameters<typeof createTestDatabase>[0]): Promise<TestDatabase> {
  const db = await createTestDatabase(kind);
  databases.push(db);
  const store = await openStore(db.url);
  try {
    await new AppsRepo(store).create({ sdkappid: APP, name: 'cluster', company: 'redis', secretKey: OLD_KEY, timezone: 'UTC', createdAt: Date.now() - 86_400_000 });
  } finally {
    await store.close();
  }
  return db;
}

async function node(name: string, options: Parameters<typeof startNode>[1]): Promise<RedisNode> {
  const n = await startNode(name, options);
  nodes.push(n);
  return n;
}

for (const kind of testDatabaseKinds()) {
  test(`[${kind}] two API nodes on one Redis admit at most the limit for one app, together (counted answers, 250 calls on each node)`, async () => {
    const db = await databaseWithApp(kind);
    const prefix = uniqueRedisPrefix();
    // The limit's window stretched to 10 minutes (same script, same arithmetic): the test then
    // counts answers instead of timing them, whatever the box's load. Per-node limits would
    // admit 400 of these 500 calls; shared ones 200. A generous Redis timeout: the point here
    // is shared counting, and a loaded box's stalls would fall back to per-node counts.
    const shared = { dbUrl: db.url, redisUrl: sharedRedisUrl(), prefix, rateLimit: 200, rateLimitWindowMs: 600_000, redisTimeoutMs: 500 };
    const [a, b] = await Promise.all(['A', 'B'].map((n) => node(`node ${n}`, shared)));
    const urls = [getAppInfoUrl(a!.url, APP, OLD_KEY), getAppInfoUrl(b!.url, APP, OLD_KEY)];
    const answers = await load(urls, 16, (sofar) => sofar.length >= 500 - 16);
    assert.deepEqual([...new Set(answers.map((x) => x.status))], [200]);
    assert.deepEqual([...new Set(answers.map((x) => x.errorCode))].sort(), [0, RATE_LIMITED], 'successes and 60007 only');
    const admitted = answers.filter((x) => x.errorCode === 0);
    const perNode = [0, 1].map((n) => admitted.filter((x) => x.node === n).length);
    assert.ok(perNode.every((n) => n > 0), `both nodes admitted calls (${perNode})`);
    assert.ok(admitted.length >= 200 - LIMIT_SLACK && admitted.length <= 200 + LIMIT_SLACK, `${admitted.length} calls admitted by the two nodes together (${perNode}); the limit is 200`);
  });

  test(`[${kind}] a key rotated (imstats app key rotate --redis) is refused on every node at the next request; a node without Redis keeps its cached app`, async () => {
    const db = await databaseWithApp(kind);
    const prefix = uniqueRedisPrefix();
    // Apps cached for 10 minutes: only the broadcast can make a node drop the old key now.
    const long = { dbUrl: db.url, appCacheMs: 600_000 };
    const [a, b, alone] = await Promise.all([
      node('node A', { ...long, redisUrl: sharedRedisUrl(), prefix }),
      node('node B', { ...long, redisUrl: sharedRedisUrl(), prefix }),
      node('node without redis', long),
    ]);
    for (const n of [a!, b!, alone!]) assert.equal((await call(getAppInfoUrl(n.url, APP, OLD_KEY), 0)).errorCode, 0, 'the old key works everywhere first (and is cached)');
    await runCli(['app', 'key', 'rotate', String(APP), '--key', NEW_KEY, '--db', db.url, '--redis', sharedRedisUrl(), '--redis-prefix', prefix]);
    assert.equal((await call(getAppInfoUrl(b!.url, APP, OLD_KEY), 1)).errorCode, ERROR_CODES.USERSIG_BAD_SIGNATURE.code, 'node B refuses the old key');
    assert.equal((await call(getAppInfoUrl(a!.url, APP, OLD_KEY), 0)).errorCode, ERROR_CODES.USERSIG_BAD_SIGNATURE.code, 'node A refuses the old key');
    assert.equal((await call(getAppInfoUrl(b!.url, APP, NEW_KEY), 1)).errorCode, 0, 'node B accepts the new key');
    assert.equal((await call(getAppInfoUrl(alone!.url, APP, OLD_KEY), 2)).errorCode, 0, 'the control node, deaf to Redis, still trusts its cached app');

    await runCli(['app', 'disable', String(APP), '--db', db.url, '--redis', sharedRedisUrl(), '--redis-prefix', prefix]);
    assert.equal((await call(getAppInfoUrl(a!.url, APP, NEW_KEY), 0)).errorCode, ERROR_CODES.APP_DISABLED.code, 'a disabled app is refused on node A at once');
  });

  test(`[${kind}] a batch ingested on node A shows on node B at the next request (its answer cache dropped by the broadcast); a node without Redis keeps its cached answer`, async () => {
    const db = await databaseWithApp(kind);
    const prefix = uniqueRedisPrefix();
    // Answers trusted for 10 minutes without checking the data version: only the broadcast can refresh them now.
    const long = { dbUrl: db.url, appCacheMs: 600_000, extra: ['--answer-cache-ms', '600000'] };
    const [a, b, alone] = await Promise.all([
      node('node A', { ...long, redisUrl: sharedRedisUrl(), prefix }),
      node('node B', { ...long, redisUrl: sharedRedisUrl(), prefix }),
      node('node without redis', long),
    ]);
    const logins = async (n: RedisNode) => {
      const answer = await call(getAppInfoUrl(n.url, APP, OLD_KEY), 0, {}, JSON.stringify({ RequestField: ['LoginTimes'] }));
      return (JSON.parse(answer.body) as { Result: { LoginTimes: string }[] }).Result[0]!.LoginTimes;
    };
    // Asked twice: an answer is kept from the second time its question is asked.
    for (let round = 0; round < 2; round++) assert.deepEqual(await Promise.all([b!, alone!].map(logins)), ['0', '0'], 'answers made (and kept) before the batch');
    const yesterday = Date.now() - 86_400_000;
    const events = ['alice', 'bob', 'carol'].map((user) => JSON.stringify({ type: 'user.login', time: yesterday, user })).join('\n');
    const ingestUrl = getAppInfoUrl(a!.url, APP, OLD_KEY).replace('/openconfigsvr/getappinfo', '/imstats/ingest');
    const ingested = await call(ingestUrl, 0, { 'content-type': 'application/x-ndjson' }, events);
    assert.equal(ingested.errorCode, 0, ingested.body);
    assert.equal(await logins(b!), '3', 'node B answers with the new data version');
    assert.equal(await logins(alone!), '0', 'the control node, deaf to Redis, still serves its cached answer');

    // The same from `imstats ingest --redis` on another host.
    const dir = mkdtempSync(join(tmpdir(), 'imstats-redis-'));
    try {
      const file = join(dir, 'more.ndjson');
      writeFileSync(file, ['dave', 'erin'].map((user) => JSON.stringify({ type: 'user.login', time: yesterday, user, sdkappid: APP })).join('\n') + '\n');
      await runCli(['ingest', file, '--db', db.url, '--redis', sharedRedisUrl(), '--redis-prefix', prefix]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(await logins(b!), '5', 'node B answers with the batch of imstats ingest --redis');
  });

  test(`[${kind}] a console token revoked with imstats token revoke --redis is refused on every node at the next request`, async () => {
    const db = await databaseWithApp(kind);
    const prefix = uniqueRedisPrefix();
    const store = await openStore(db.url);
    const created = await new TokensRepo(store).create({ sdkappid: APP, name: 'grafana', now: Date.now() }).finally(() => store.close());
    const [a, b] = await Promise.all(['A', 'B'].map((n) => node(`node ${n}`, { dbUrl: db.url, redisUrl: sharedRedisUrl(), prefix })));
    const url = (n: RedisNode) => `${n.url}/v4/openconfigsvr/getappinfo?sdkappid=${APP}`;
    const bearer = { authorization: `Bearer ${created.token}` };
    for (const n of [a!, b!]) assert.equal((await call(url(n), 0, bearer)).errorCode, 0);
    await runCli(['token', 'revoke', created.record.id, '--db', db.url, '--redis', sharedRedisUrl(), '--redis-prefix', prefix]);
    for (const n of [b!, a!]) assert.equal((await call(url(n), 0, bearer)).errorCode, ERROR_CODES.CONSOLE_TOKEN_INVALID.code);
  });
}
