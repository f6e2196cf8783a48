// Events/s through NATS JetStream (`imstats publish`, then 1 and 2 `imstats consume` processes)
// against file ingest (ingestStream), all into PostgreSQL, in one run on the same server.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { DEFAULT_PUBLISH_BATCH_LINES, publishEvents } from '../src/bus/event-publisher.js';
import { ensureEventStream } from '../src/bus/event-stream.js';
import { ingestorForStore } from '../src/ingest/ingestor-for-store.js';
import { ingestStream } from '../src/ingest/ingest-stream.js';
import { eventToJson, simulateEvents } from '../src/simulate/index.js';
import { AppsRepo } from '../src/store/apps-repo.js';
import { openStore } from '../src/store/store.js';
import { addDays } from '../src/time/calendar-day.js';
import { dayOfZone } from '../src/time/day-of.js';
import { Child } from '../test/support/child.js';

const POSTGRES_URL = process.env.IMSTATS_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NATS_URL = process.env.IMSTATS_BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
/** Apps of the workload: 1400000001… fall in different partitions (SDKAppID mod 8). */
const APPS = 4;
const DAYS = 3;
const EVENTS_PER_USER = 40;

export interface NatsBenchRow {
  readonly label: string;
  readonly consumers: number;
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerS: number;
}

export interface NatsBenchResult {
  readonly database: string;
  readonly rows: NatsBenchRow[];
}

async function withDatabase<T>(run: (url: string) => Promise<T>): Promise<T> {
  const name = `imstats_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  try {
    const store = await openStore(url.toString());
    try {
      const apps = new AppsRepo(store);
      for (let i = 1; i <= APPS; i++) await apps.create({ sdkappid: 1_400_000_000 + i, name: `bench ${i}`, timezone: 'UTC', createdAt: Date.now() - 60 * 86_400_000 });
    } finally {
      await store.close();
    }
    return await run(url.toString());
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

async function writeWorkload(file: string, events: number): Promise<number> {
  const start = addDays(dayOfZone('UTC').day(Date.now()), -DAYS);
  const all = [];
  for (let i = 1; i <= APPS; i++) {
    let n = 0;
    for (const e of simulateEvents({ sdkappid: 1_400_000_000 + i, users: Math.ceil(events / APPS / EVENTS_PER_USER), days: DAYS, seed: i, start, timezone: 'UTC' })) {
      if (n++ === Math.floor(events / APPS)) break;
      all.push(e);
    }
  }
  all.sort((a, b) => a.time - b.time);
  const out = createWriteStream(file);
  for (const e of all) if (!out.write(`${eventToJson(e)}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return all.length;
}

async function streamLag(stream: string): Promise<number> {
  const nc = await connect({ servers: NATS_URL });
  try {
    const jsm = await jetstreamManager(nc);
    let lag = 0;
    for await (const info of jsm.consumers.list(stream)) lag += info.num_pending + info.num_ack_pending;
    return lag;
  } finally {
    await nc.close();
  }
}

/** Publishes the file, then times `consumers` processes from the first one ready until the stream is applied. */
async function throughNats(file: string, events: number, consumers: number, log: (line: string) => void): Promise<{ publish: NatsBenchRow; consume: NatsBenchRow }> {
  return withDatabase(async (url) => {
    const stream = `IMSTATS_BENCH_${process.pid}_${randomBytes(3).toString('hex')}`;
    const subject = `imstats_bench.${stream.toLowerCase()}`;
    const nc = await connect({ servers: NATS_URL });
    try {
      const target = await ensureEventStream(await jetstreamManager(nc), { name: stream, subject });
      let started = performance.now();
      const sent = await publishEvents(jetstream(nc), target, createReadStream(file), { maxBytes: nc.info!.max_payload - 4096, batchLines: DEFAULT_PUBLISH_BATCH_LINES });
      const publishS = (performance.now() - started) / 1000;
      log(`nats: published ${sent.published} events in ${sent.messages} messages (${Math.round(sent.published / publishS)}/s); ${consumers} consumer(s)`);
      const children = Array.from({ length: consumers }, () => new Child(new URL('./imstats-child.js', import.meta.url), ['consume', '--db', url, '--nats', NATS_URL, '--stream', stream, '--subject', subject, '--progress-ms', '60000']));
      try {
        await Promise.race(children.map((c) => c.waitFor('imstats consuming ')));
        started = performance.now();
        while ((await streamLag(stream)) > 0) await new Promise((resolve) => setTimeout(resolve, 50));
        const seconds = (performance.now() - started) / 1000;
        return {
          publish: { label: 'imstats publish (until every message is acknowledged)', consumers: 0, events: sent.published, seconds: publishS, eventsPerS: sent.published / publishS },
          consume: { label: `NATS → imstats consume × ${consumers} → PostgreSQL`, consumers, events, seconds, eventsPerS: events / seconds },
        };
      } finally {
        for (const c of children) c.process.kill('SIGTERM');
        await Promise.all(children.map((c) => c.exited));
        await jetstreamManager(nc).then((jsm) => jsm.streams.delete(stream)).catch(() => false);
      }
    } finally {
      await nc.close();
    }
  });
}

/** The NATS part of `npm run bench`. */
export async function benchNats(options: { workDir: string; events: number; log: (line: string) => void }): Promise<NatsBenchResult> {
  const file = join(options.workDir, 'nats-events.ndjson');
  const events = await writeWorkload(file, options.events);
  options.log(`nats: ${events} events of ${APPS} apps; file ingest into PostgreSQL`);
  const rows: NatsBenchRow[] = [];
  rows.push(
    await withDatabase(async (url) => {
      const store = await openStore(url);
      try {
        const started = performance.now();
        const summary = await ingestStream(ingestorForStore(store), createReadStream(file));
        const seconds = (performance.now() - started) / 1000;
        if (summary.rejected > 0) throw new Error(`file ingest rejected ${summary.rejected} events`);
        return { label: 'file ingest (ingestStream, one process) → PostgreSQL', consumers: 0, events, seconds, eventsPerS: events / seconds };
      } finally {
        await store.close();
      }
    }),
  );
  const one = await throughNats(file, events, 1, options.log);
  const two = await throughNats(file, events, 2, options.log);
  rows.push(one.publish, one.consume, two.consume);
  return { database: 'PostgreSQL', rows };
}

/** The Markdown table of the NATS part. */
export function renderNatsBench(result: NatsBenchResult): string {
  const lines = [
    `### Events through NATS JetStream (${result.database}, one run)`,
    '',
    '| path | events | seconds | events/s |',
    '| --- | ---: | ---: | ---: |',
    ...result.rows.map((r) => `| ${r.label} | ${r.events.toLocaleString('en-US')} | ${r.seconds.toFixed(2)} | ${Math.round(r.eventsPerS).toLocaleString('en-US')} |`),
    '',
    'Consumers are timed from the first one ready until every partition is acknowledged; each message holds up to 5,000 lines of one app (under the 1 MiB NATS payload limit) and commits as one batch.',
  ];
  return lines.join('\n');
}
