import { createWriteStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ImEvent } from '../src/events/event.js';
import { simulateEvents, writeNdjson } from '../src/simulate/index.js';
import { addDays } from '../src/time/calendar-day.js';
import { dayOfZone } from '../src/time/day-of.js';
import { Child } from '../test/support/child.js';
import { createTestDatabase } from '../test/support/test-databases.js';
import { INGEST_NODE_FLAGS } from '../src/cli/heap-limit.js';
import type { IngestRun } from './bench-report.js';

/** The app the simulated events belong to. */
export const INGEST_SDKAPPID = 1_400_000_001;
const TIMEZONE = 'Asia/Shanghai';
/** Simulated days; well inside the 35-day retention window, so every event is accepted. */
const DAYS = 7;
/** The default simulation makes about 89 events per user over 7 days plus the warm-up day. */
const EVENTS_PER_USER = 70;

/**
 * Writes the first `events` events of a default simulation (about events / 70 users, 7 days
 * ending yesterday) as NDJSON; the simulator overshoots and the stream is cut at exactly `events`.
 */
export async function writeEventsFile(path: string, events: number, seed = 1): Promise<{ events: number; bytes: number }> {
  const start = addDays(dayOfZone(TIMEZONE).day(Date.now()), -DAYS);
  const all = simulateEvents({ sdkappid: INGEST_SDKAPPID, users: Math.ceil(events / EVENTS_PER_USER), days: DAYS, seed, start, timezone: TIMEZONE });
  function* firstN(): Generator<ImEvent> {
    let n = 0;
    for (const e of all) {
      if (n++ === events) return;
      yield e;
    }
  }
  const out = createWriteStream(path);
  const written = await writeNdjson(firstN(), out);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  if (written.events !== events) throw new Error(`the simulation made only ${written.events} of ${events} events`);
  return written;
}

/**
 * One measurement in a fresh child process: `floor` reads the file and JSON.parses each line,
 * `readline-floor` does the same through node:readline, `pipeline` runs ingestStream into a new
 * SQLite file (parse, validate, aggregate, commit; `pipeline-in-thread` without its worker thread),
 * or into the empty database at `dbUrl` when given.
 */
export async function runIngest(mode: IngestRun['mode'], file: string, workDir: string, label: string, nodeFlags: readonly string[] = [], dbUrl?: string): Promise<IngestRun> {
  // A bare file path is the embedded database (store/database-url.ts).
  const db = dbUrl ?? join(workDir, `ingest-${process.hrtime.bigint()}.db`);
  const pipeline = mode === 'pipeline' || mode === 'pipeline-in-thread';
  const args = pipeline ? [mode, file, db, String(INGEST_SDKAPPID), TIMEZONE] : [mode, file];
  // The pipeline runs with the node flags `imstats ingest` runs with (a capped heap).
  const child = new Child(new URL('./ingest-child.js', import.meta.url), args, { nodeFlags: [...(pipeline ? INGEST_NODE_FLAGS : []), ...nodeFlags] });
  try {
    let result = JSON.parse(await child.waitFor('result ')) as Omit<IngestRun, 'label' | 'mode'>;
    if (mode === 'duckdb') result = { ...result, querySeconds: Number(await child.waitFor('query ')) };
    if (pipeline && (result.rejected !== 0 || result.accepted !== result.events)) {
      throw new Error(`ingestion rejected ${result.rejected} of ${result.events} events`);
    }
    return { label, mode, ...result };
  } finally {
    await child.exited;
    if (dbUrl === undefined) for (const suffix of ['', '-wal', '-shm']) rmSync(`${db}${suffix}`, { force: true });
  }
}

/**
 * runIngest's pipeline into a fresh database on the machine's PostgreSQL or MariaDB server
 * (test/support's createTestDatabase: IMSTATS_TEST_POSTGRES_URL / IMSTATS_TEST_MYSQL_URL),
 * dropped afterwards.
 */
export async function runIngestOnServer(kind: 'postgres' | 'mysql', file: string, workDir: string, label: string, nodeFlags: readonly string[] = []): Promise<IngestRun> {
  const database = await createTestDatabase(kind);
  try {
    return await runIngest('pipeline', file, workDir, label, nodeFlags, database.url);
  } finally {
    await database.drop();
  }
}
