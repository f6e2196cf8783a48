// Redis stopped under load: API nodes keep answering (no 5xx, nobody waits on the dead Redis),
// limit with their own counts meanwhile, and share the limit again once Redis is back.
// A redis-server of this test's own is killed and restarted: never the shared one.
//
// "No call slower than 50 ms" is shown by what the nodes did, not by the wall clock of this
// loaded box (where a getappinfo call takes 30-400 ms with Redis up): while Redis was down,
// every limit decision of every call was made by the node alone without a single Redis command
// waiting for its timeout (imstats_redis_failed_commands_total{kind="timeout"} unchanged), and
// each took under 50 ms by the node's own clock (imstats_limit_decision_seconds). The
// latencies measured from outside are printed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { AppsRepo } from '../../src/store/apps-repo.js';
import { openStore } from '../../src/store/store.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/test-databases.js';
import { OwnRedis, uniqueRedisPrefix } from '../support/redis-test.js';
import { getAppInfoUrl, load, RATE_LIMITED, startNode, type Answer, type RedisNode } from './redis-node.js';

const APP = 1400000888;
const KEY = 'c'.repeat(64);
/** A small limit over a 10-minute window: the test counts answers, whatever the box's speed. */
const LIMIT = 40;
const SLACK = 2;

const nodes: RedisNode[] = [];
const cleanup: Array<() => Promise<unknown>> = [];
after(async () => {
  await Promise.all(nodes.map((n) => n.child.stop()));
  for (const c of cleanup) await c();
});

/** One series' value from the node's /metrics (Prometheus text format), e.g. `imstats_redis_up` or `x_total{kind="timeout"}`. */
async function metric(n: RedisNode, series: string): Promise<number | undefined> {
  const text = await (await fetch(`${n.url}/metrics`)).text();
  const line = text.split('\n').find((l) => !l.startsWith('#') && l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const TIMEOUTS = 'imstats_redis_failed_commands_total{kind="timeout"}';
const FALLBACKS = 'imstats_redis_fallback_decisions_total';

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting until ${what}`);
}

const admitted = (answers: readonly Answer[], node?: number) => answers.filter((a) => a.errorCode === 0 && (node === undefined || a.node === node)).length;

function assertEnvelopes(answers: readonly Answer[], phase: string): void {
  assert.deepEqual([...new Set(answers.map((a) => a.status))], [200], `${phase}: HTTP 200 only`);
  assert.ok(answers.every((a) => a.errorCode === 0 || a.errorCode === RATE_LIMITED), `${phase}: successes and 60007 only, got ${[...new Set(answers.map((a) => a.errorCode))]}`);
}

for (const kind of testDatabaseKinds()) {
  test(`[${kind}] Redis killed under load: no 5xx, no call waits on Redis, limits per node meanwhile, shared again when it returns`, async () => {
    const db: TestDatabase = await createTestDatabase(kind);
    cleanup.push(() => db.drop());
    const store = await openStore(db.url);
    await new AppsRepo(store).create({ sdkappid: APP, name: 'outage', company: 'redis', secretKey: KEY, timezone: 'UTC', createdAt: Date.now() - 86_400_000 }).finally(() => store.close());
    const redis = await OwnRedis.start();
    cleanup.push(() => redis.stop());
    const prefix = uniqueRedisPrefix();
    // A killed Redis closes its connections, so no decision waits for the timeout whatever it is
    // (asserted below); it is set generous so that this loaded box's stalls while Redis is UP do
    // not send decisions to the fallback and blur the counts. The hung-Redis case, where the
    // timeout is what bounds the wait, is redis-limit-store.test.ts's (SIGSTOP).
    const options = { dbUrl: db.url, redisUrl: redis.url, prefix, rateLimit: LIMIT, rateLimitWindowMs: 600_000, redisTimeoutMs: 250, metrics: true };
    const [a, b] = await Promise.all(['A', 'B'].map((n) => startNode(`node ${n}`, options)));
    nodes.push(a!, b!);
    const urls = [getAppInfoUrl(a!.url, APP, KEY), getAppInfoUrl(b!.url, APP, KEY)];
    for (const n of [a!, b!]) assert.equal(await metric(n, 'imstats_redis_up'), 1);

    // Up: 30 calls, all admitted (under the shared 40).
    const up = await load(urls, 2, (s) => s.length >= 30);
    assertEnvelopes(up, 'Redis up');
    assert.equal(admitted(up), up.length);

    // Down: each node falls back to its own count, which starts at 0 here: 40 each at most.
    const before = await Promise.all([a!, b!].map(async (n) => ({ timeouts: (await metric(n, TIMEOUTS))!, fallbacks: (await metric(n, FALLBACKS))! })));
    await redis.stop();
    const down = await load(urls, 2, (s) => s.length >= 120);
    assertEnvelopes(down, 'Redis down');
    const ms = (list: readonly Answer[]) => list.map((x) => x.doneAt - x.sentAt);
    console.log(`latency with Redis up: p50 ${percentile(ms(up), 50).toFixed(1)} ms, p99 ${percentile(ms(up), 99).toFixed(1)} ms; down: p50 ${percentile(ms(down), 50).toFixed(1)} ms, p99 ${percentile(ms(down), 99).toFixed(1)} ms, slowest ${Math.max(...ms(down)).toFixed(1)} ms`);
    for (const n of [0, 1]) {
      const passed = admitted(down, n);
      assert.ok(passed >= LIMIT - SLACK && passed <= LIMIT + SLACK, `node ${n} admitted ${passed} while alone: its own limit of ${LIMIT}`);
    }
    for (const [i, n] of [a!, b!].entries()) {
      assert.equal(await metric(n, 'imstats_redis_up'), 0);
      assert.equal(await metric(n, TIMEOUTS), before[i]!.timeouts, 'no call waited for a Redis timeout: the dead link was known at once');
      // The node's own clock on each decision: made alone, none took 50 ms (what the issue allows a call).
      const local = (await metric(n, 'imstats_limit_decision_seconds_count{by="local"}'))!;
      assert.ok(local > 0);
      assert.equal(await metric(n, 'imstats_limit_decision_seconds_bucket{le="0.05",by="local"}'), local, 'every decision made alone took under 50 ms');
      const calls = down.filter((x) => x.node === i).length;
      // Each call asks the brake (two keys) and the frequency limit: three decisions, all local.
      assert.ok((await metric(n, FALLBACKS))! - before[i]!.fallbacks >= 3 * calls, 'every decision of every call was made by the node alone');
    }

    // Back (empty: no persistence): shared counting again, 40 for the two nodes together.
    await redis.start();
    await until('both nodes use Redis again', async () => (await metric(a!, 'imstats_redis_up')) === 1 && (await metric(b!, 'imstats_redis_up')) === 1);
    const back = await load(urls, 2, (s) => s.length >= 120);
    assertEnvelopes(back, 'Redis back');
    const together = admitted(back);
    assert.ok(together >= LIMIT - SLACK && together <= LIMIT + SLACK, `the two nodes admitted ${together} together once Redis was back (limit ${LIMIT})`);
    assert.ok(admitted(back, 0) > 0 && admitted(back, 1) > 0);

    for (const n of [a!, b!]) {
      const log = n.child.stderr;
      assert.equal(log.match(/unreachable/g)?.length, 1, `logged once when Redis went: ${log}`);
      assert.equal(log.match(/is back/g)?.length, 1, `logged once when it returned: ${log}`);
    }
  });
}
