// ingestStream's worker-thread path against its in-thread path (node:readline, Ingestor.ingest,
// reduceAppBatch in one pass): the same rows in the database, summary and rejections, whatever
// the batch size and however the bytes are chunked; a crashing worker commits no batch half-way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import type { Rejection } from '../events/event.js';
import { simulateEvents, eventToJson } from '../simulate/index.js';
import { AppsRepo } from '../store/apps-repo.js';
import type { Store } from '../store/store.js';
import { openTestStore, testDatabaseKinds, type TestDatabaseKind } from '../../test/support/test-databases.js';
import { dumpIngested } from '../../test/support/store-dump.js';
import { CRASH_BEFORE_BATCH } from '../../test/support/crashing-ingest-worker.js';
import { ingestorForStore } from './ingestor-for-store.js';
import { ingestStream, type StreamIngestOptions, type StreamSummary } from './ingest-stream.js';

const APP = 1400000555;
const OTHER_APP = 1400000556;
const NOW = Date.parse('2024-06-20T12:00:00Z');
const CRASHING_WORKER = new URL('../../test/support/crashing-ingest-worker.js', import.meta.url);

/** A simulated app's events as NDJSON lines (five days before NOW, 150 users). */
function simulatedLines(): string[] {
  return [...simulateEvents({ sdkappid: APP, users: 150, days: 5, seed: 3, start: '20240614', timezone: 'Asia/Shanghai' })].map(eventToJson);
}

interface Run {
  readonly summary: StreamSummary;
  readonly rejections: Rejection[];
  readonly rows: Record<string, string[]>;
}

async function withApps(kind: TestDatabaseKind, work: (store: Store) => Promise<Run>): Promise<Run> {
  const store = await openTestStore(kind);
  try {
    const apps = new AppsRepo(store);
    await apps.create({ sdkappid: APP, name: 'worker', timezone: 'Asia/Shanghai', createdAt: 0 });
    await apps.create({ sdkappid: OTHER_APP, name: 'other', timezone: 'America/New_York', createdAt: 0 });
    return await work(store);
  } finally {
    await store.close();
    await store.testDatabase.drop();
  }
}

async function ingestInto(store: Store, chunks: ReadonlyArray<string | Buffer>, options: StreamIngestOptions): Promise<Run> {
  const rejections: Rejection[] = [];
  const ingestor = ingestorForStore(store, { clock: () => NOW });
  const summary = await ingestStream(ingestor, Readable.from(chunks), { ...options, onRejection: (r) => rejections.push(r) });
  return { summary, rejections, rows: await dumpIngested(store) };
}

/** The same input through both paths, each into a fresh database of `kind`. */
async function bothPaths(kind: TestDatabaseKind, chunks: ReadonlyArray<string | Buffer>, options: StreamIngestOptions): Promise<[Run, Run]> {
  const inThread = await withApps(kind, (store) => ingestInto(store, chunks, { ...options, inThread: true }));
  const worker = await withApps(kind, (store) => ingestInto(store, chunks, options));
  return [inThread, worker];
}

for (const kind of testDatabaseKinds()) {
  test(`a simulated file: the worker path writes what the in-thread path writes (${kind})`, async () => {
    const lines = simulatedLines();
    // Two apps in one batch, bad lines among good ones.
    lines.splice(100, 0, '{"type":"user.login","time":1718870000000,"sdkappid":1400000556,"user":"ny","platform":"iOS"}', 'not json', '', '{"type":"nope","time":1718870000000}');
    const text = `${lines.join('\n')}\n`;
    const [inThread, worker] = await bothPaths(kind, [text], { batchLines: 997 });
    assert.ok(inThread.summary.accepted > 5000, `${inThread.summary.accepted} events accepted`);
    assert.ok(inThread.rows.stats!.length > 100 && inThread.rows.stat_sets!.length > 100);
    assert.deepEqual(worker.summary, inThread.summary);
    assert.deepEqual(worker.rejections, inThread.rejections);
    assert.deepEqual(worker.rows, inThread.rows);
  });
}

test('rejected lines are reported with their line numbers, in order, by the worker path', async () => {
  const good = (user: string) => JSON.stringify({ type: 'user.register', time: NOW - 3_600_000, sdkappid: APP, user });
  const lines = [good('a'), good('b'), '{"type":"user.register",', good('c'), JSON.stringify({ type: 'user.register', time: NOW - 3_600_000, sdkappid: 42, user: 'x' }), '', JSON.stringify({ type: 'user.fly', time: NOW, sdkappid: APP })];
  const run = await withApps('sqlite', (store) => ingestInto(store, [`${lines.join('\r\n')}\r\n`], { batchLines: 2 }));
  assert.deepEqual(
    run.rejections.map((r) => r.line),
    [3, 5, 7],
  );
  assert.match(run.rejections[0]!.reason, /^invalid JSON/);
  assert.equal(run.rejections[1]!.reason, 'unknown app 42');
  assert.match(run.rejections[2]!.reason, /unknown event type "user\.fly"/);
  assert.deepEqual({ ...run.summary, bytes: 0 }, { bytes: 0, lines: 7, accepted: 3, alreadyApplied: 0, rejected: 3, batches: 4, skippedBatches: 0 });
});

test('any batch size, chunking of the bytes, line ending, blank or broken line and time order: the same batches, rows, rejections and summary', async () => {
  const base = simulatedLines().slice(0, 400);
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 120 }),
      fc.constantFrom('\n', '\r\n', '\r'),
      fc.array(fc.integer({ min: 0, max: 60_000 }), { maxLength: 12 }),
      fc.array(fc.integer({ min: 0, max: 399 }), { maxLength: 4 }),
      fc.array(fc.integer({ min: 0, max: 398 }), { maxLength: 3 }),
      async (batchLines, eol, cuts, blanks, swaps) => {
        const lines = [...base];
        // Events out of time order (the worker then prepares the batch at once, sorted).
        for (const at of swaps) [lines[at], lines[at + 1]] = [lines[at + 1]!, lines[at]!];
        for (const at of blanks) lines.splice(at, 0, at % 2 ? '' : '{"broken": ');
        // A multi-byte character, so that some cuts fall inside one.
        lines.push(JSON.stringify({ type: 'user.register', time: NOW - 60_000, sdkappid: APP, user: 'ü€😀' }));
        const bytes = Buffer.from(lines.join(eol) + (cuts.length % 2 ? eol : ''), 'utf8');
        const at = [...new Set(cuts.map((c) => c % bytes.length))].sort((a, b) => a - b);
        const chunks = [0, ...at].map((from, i) => bytes.subarray(from, at[i] ?? bytes.length)).filter((c) => c.length > 0);
        const [inThread, worker] = await bothPaths('sqlite', chunks, { batchLines });
        assert.deepEqual(worker.summary, inThread.summary);
        assert.deepEqual(worker.rejections, inThread.rejections);
        assert.deepEqual(worker.rows, inThread.rows);
      },
    ),
    { numRuns: 25 },
  );
});

test('a worker that crashes rejects the ingest; every batch is all or nothing, and a re-run completes it', async () => {
  const lines = simulatedLines().slice(0, 3000);
  const text = `${lines.join('\n')}\n`;
  const batchLines = 500;
  const run = async (store: Store, options: StreamIngestOptions) => {
    const ingestor = ingestorForStore(store, { clock: () => NOW });
    return ingestStream(ingestor, Readable.from([text]), { batchLines, ...options });
  };
  // What the first k batches alone write, per k that can have been committed before the crash.
  const expected: Array<Record<string, string[]>> = [];
  for (let k = 0; k < CRASH_BEFORE_BATCH; k++) {
    const partial = lines.slice(0, k * batchLines);
    expected.push((await withApps('sqlite', (store) => ingestInto(store, partial.length ? [`${partial.join('\n')}\n`] : [], { batchLines, inThread: true }))).rows);
  }
  const clean = await withApps('sqlite', (store) => ingestInto(store, [text], { batchLines, inThread: true }));
  await withApps('sqlite', async (store) => {
    await assert.rejects(run(store, { workerScript: CRASHING_WORKER }), /the ingest worker crashed \(test\)/);
    const rows = await dumpIngested(store);
    const committed = expected.findIndex((e) => JSON.stringify(e) === JSON.stringify(rows));
    assert.ok(committed >= 0, `the database holds exactly the first k whole batches (${rows.applied_batches!.length} batch ids)`);
    const rerun = await run(store, {});
    assert.equal(rerun.skippedBatches, committed);
    assert.deepEqual(await dumpIngested(store), clean.rows);
    return clean;
  });
});
