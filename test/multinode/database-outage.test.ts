// The database going away and coming back is survived without a restart. The shared test server
// is not stopped (other test files use it at the same time): a TCP proxy sits between imstats and
// it, and the test cuts that line — in the middle of an ingestion transaction, and again just
// after a COMMIT left for the server — then restores it. Meanwhile reads fail with a classified
// StoreError (130009 / 130010 over HTTP), no process crashes, a batch is never half-applied, and
// its retry with the same id applies it exactly once: the end numbers equal a run without outage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ingestor, type IngestResult } from '../../src/ingest/ingestor.js';
import { dailyReport, type DayReport } from '../../src/report/daily-report.js';
import { AppsRepo, type App } from '../../src/store/apps-repo.js';
import { SqlBatchStore } from '../../src/store/sql-batch-store.js';
import { StatsRepo } from '../../src/store/stats-repo.js';
import { StoreError } from '../../src/store/store-error.js';
import { openStore, type Store } from '../../src/store/store.js';
import { createTestDatabase, testDatabaseKinds } from '../support/test-databases.js';
import { addDays } from '../../src/time/calendar-day.js';
import { dayOfZone } from '../../src/time/day-of.js';
import { Child } from '../support/child.js';
import { imstatsServe, serverUrl } from './imstats-serve.js';
import { getAppInfo } from './getappinfo-client.js';
import { multinodeEvents } from './multinode-events.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const APP = 1400000666;
const KEY = 'b'.repeat(64);
const DAYS = 3;
const BATCHES = 12;
const SLOTS_PER_BATCH = 100;
const NOW = Date.now();
const TODAY = dayOfZone('UTC').day(NOW);
const RANGE = { from: addDays(TODAY, -DAYS), to: addDays(TODAY, -1) };
const FIRST_DAY_MS = Date.parse(`${RANGE.from.slice(0, 4)}-${RANGE.from.slice(4, 6)}-${RANGE.from.slice(6)}T00:00:00Z`);
const DB_ERROR_CODES: Record<string, number> = { open: 130009, ping: 130010, query: 130011 };

/** Every kind of event, presence included: batches are applied in time order here, so all 32 fields must match. */
const slots = multinodeEvents({ sdkappid: APP, firstDayMs: FIRST_DAY_MS, days: DAYS, slots: BATCHES * SLOTS_PER_BATCH, orderIndependent: false, seed: 99 });
const batches = Array.from({ length: BATCHES }, (_, b) =>
  slots.slice(b * SLOTS_PER_BATCH, (b + 1) * SLOTS_PER_BATCH).flatMap((s) => s.lines).map((value, i) => ({ line: i + 1, value })),
);

interface Node {
  readonly store: Store;
  readonly app: App;
  ingest(batch: number): Promise<IngestResult>;
  report(): Promise<DayReport[]>;
}

async function node(url: string, create: boolean): Promise<Node> {
  const store = await openStore(url);
  const apps = new AppsRepo(store);
  if (create) await apps.create({ sdkappid: APP, name: 'outage', secretKey: KEY, timezone: 'UTC', createdAt: FIRST_DAY_MS });
  const app = await apps.require(APP);
  const ingestor = new Ingestor(new SqlBatchStore(store), async (id) => (await apps.get(id))?.timezone, { clock: () => NOW });
  const stats = new StatsRepo(store);
  return {
    store,
    app,
    ingest: (b) => ingestor.ingest(batches[b]!, { batch: { transport: 'test', key: `outage:${b}` } }),
    report: () => dailyReport(stats, app, RANGE),
  };
}

/** The StoreError a database operation failed with (the test fails if it succeeded or threw anything else). */
async function failureOf(operation: Promise<unknown>): Promise<string> {
  try {
    await operation;
  } catch (err) {
    assert.ok(err instanceof StoreError, `a StoreError, got ${String(err)}`);
    return err.failure;
  }
  assert.fail('the operation succeeded while the database was cut off');
}

const statement = (pattern: RegExp) => (chunk: Buffer) => pattern.test(chunk.toString('latin1'));

for (const kind of testDatabaseKinds()) {
  if (kind === 'sqlite') {
    test('database outage through a cut connection (sqlite)', { skip: 'SQLite has no connection to cut; its file-level faults are in rest/db-failures.test.ts' }, () => {});
    continue;
  }
  test(`the connection to ${kind} is cut mid-run and restored: classified errors meanwhile, then the numbers of a clean run`, async (t) => {
    const [target, clean] = [await createTestDatabase(kind), await createTestDatabase(kind)];
    const url = new URL(target.url);
    const proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port) });
    url.port = String(proxy.port);
    let server: Child | undefined;
    let viaProxy: Node | undefined;
    let direct: Node | undefined;
    try {
      direct = await node(clean.url, true);
      for (let b = 0; b < BATCHES; b++) assert.equal((await direct.ingest(b)).duplicate, false);
      const expected = await direct.report();
      assert.equal(expected.length, DAYS);
      assert.ok(expected.every((d) => Number(d.UpMsgNum) > 0 && Number(d.MaxOnlineNum) > 0), 'the clean run counted every day');

      viaProxy = await node(url.toString(), true);
      const n = viaProxy;
      server = imstatsServe(url.toString());
      const api = { baseUrl: await serverUrl(server), sdkappid: APP, key: KEY };
      const body = { StartDate: RANGE.from, EndDate: RANGE.to };
      const failures = { store: [] as string[], api: [] as number[] };
      /** During an outage: reads fail with a classified error, directly and over HTTP; the last ones are `expected`. */
      const duringOutage = async (expectedLast: string) => {
        for (let i = 0; i < 4; i++) failures.store.push(await failureOf(n.report()));
        for (let i = 0; i < 4; i++) {
          const env = await getAppInfo(api, body);
          assert.equal(env.ActionStatus, 'FAIL');
          failures.api.push(env.ErrorCode);
        }
        const health = await fetch(`${api.baseUrl}/healthz`);
        assert.equal(health.status, 503);
        assert.ok(['open', 'ping'].includes(((await health.json()) as { database: string }).database));
        assert.equal(failures.store.at(-1), expectedLast, `reads fail with ${expectedLast} once the connections are gone (${failures.store})`);
        assert.equal(failures.api.at(-1), DB_ERROR_CODES[expectedLast], `getappinfo answers ${DB_ERROR_CODES[expectedLast]} (${failures.api})`);
        assert.ok(server!.running, 'the API process is alive');
      };
      /** After a restore: the very first read succeeds (no stale connection is reused), here and over HTTP. */
      const recovered = async (): Promise<DayReport[]> => {
        const days = await n.report();
        const env = await getAppInfo(api, body);
        assert.equal(env.ErrorCode, 0, env.ErrorInfo);
        assert.deepEqual(env.Result, days);
        return days;
      };

      for (let b = 0; b < 4; b++) await n.ingest(b);
      const beforeOutage = await recovered();

      // 1. Cut while batch 4 writes its first distinct members (its claim, lock and first
      // statements already ran on the server), and keep new connections refused.
      const cutMidBatch = proxy.cutOnClientChunk(statement(/stat_sets/), { mode: 'refuse' });
      const midBatch = await failureOf(n.ingest(4));
      await cutMidBatch;
      assert.equal(midBatch, 'ping', 'a transaction whose connection broke is 130010');
      // Batch 5 while the database cannot be reached at all.
      assert.equal(await failureOf(n.ingest(5)), 'open', 'a batch that cannot connect is 130009');
      await duringOutage('open');
      await proxy.restore();
      assert.deepEqual(await recovered(), beforeOutage, 'nothing of batches 4 and 5 was applied');
      assert.equal((await n.ingest(4)).duplicate, false, 'the retry of batch 4 applies it');
      assert.equal((await n.ingest(5)).duplicate, false, 'the retry of batch 5 applies it');
      assert.equal((await n.ingest(4)).duplicate, true, 'batch 4 again is acknowledged, not re-applied');

      // 2. Cut just after batch 6's COMMIT left for the server: the server commits, the client
      // never hears so. New connections are accepted and reset.
      const cutAtCommit = proxy.cutOnClientChunk(statement(/\bcommit\b/i), { forward: true, mode: 'reset' });
      assert.equal(await failureOf(n.ingest(6)), 'ping', 'a COMMIT whose answer was lost is 130010');
      await cutAtCommit;
      await duringOutage('open');
      await proxy.restore();
      await recovered();
      assert.equal((await n.ingest(6)).duplicate, true, 'batch 6 had been committed: its retry changes nothing');

      for (let b = 7; b < BATCHES; b++) assert.equal((await n.ingest(b)).duplicate, false);
      const final = await recovered();
      assert.deepEqual(final, expected, 'the numbers of the run without outage, all 32 fields');
      t.diagnostic(
        `${kind}: ${BATCHES} batches of ${SLOTS_PER_BATCH * 2} events; store failures ${failures.store.join(',')}; ` +
          `getappinfo codes ${failures.api.join(',')}; ${proxy.accepted} proxied connections, ${proxy.turnedAway} reset`,
      );
      assert.ok(failures.api.every((c) => c === 130009 || c === 130010), `only 130009/130010 during the outage (${failures.api})`);
      assert.ok(failures.store.every((f) => f === 'open' || f === 'ping'), `only open/ping during the outage (${failures.store})`);
    } finally {
      if (server) {
        const exit = await server.stop();
        assert.equal(exit.code, 0, `the API process survived and exited cleanly: ${server.stderr}`);
      }
      await viaProxy?.store.close();
      await direct?.store.close();
      await proxy.close();
      await target.drop();
      await clean.drop();
    }
  });
}
