// getstats benchmarks (issue 13): the store's size per active user-day with every grain and
// breakdown kept, and getstats latency (never cached) on a 100,000-user simulated app.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ImEvent } from '../src/events/event.js';
import { ingestorForStore } from '../src/ingest/ingestor-for-store.js';
import { simulateEvents } from '../src/simulate/index.js';
import { AppsRepo, generateSecretKey } from '../src/store/apps-repo.js';
import { openStore } from '../src/store/store.js';
import { addDays } from '../src/time/calendar-day.js';
import { dayOfZone } from '../src/time/day-of.js';
import { decodeIdSet, encodeIdSet } from '../src/aggregate/id-set.js';
import { makeUserSig } from '../src/usersig/index.js';
import { Child } from '../test/support/child.js';
import type { TargetCheck } from './bench-report.js';
import { findWrk, runWrk } from './wrk-load.js';
import { formatCount, formatMB, formatMs, formatSeconds, formatTable } from './format-table.js';
import type { LatencySummary } from './latency-stats.js';

const SDKAPPID = 1_400_300_001;
const TIMEZONE = 'Asia/Shanghai';
const DAY_MS = 86_400_000;
const BATCH = 5_000;
/** Store bytes per active user-day, all grains and breakdowns (issue 13). */
export const STORE_BYTES_TARGET = 200;
/** p99 of getstats, 24 hours × platforms. */
export const HOURS_P99_TARGET_MS = 10;
/** p99 of getstats, 30 days with reach and retention. */
export const DAYS_P99_TARGET_MS = 20;
/** Share of the latency app's users registered before its simulated day. */
const PRE_REGISTERED_SHARE = 0.99;
/** Days of day sets one 30-day answer with reach and retention reads: 29 before the window, 30 in it. */
const FILLED_DAYS = 60;
/** The latency server's core and its client's (taskset -c): one core each, nothing shared. */
const SERVER_CPU = 0;
const CLIENT_CPU = 1;
/** The untimed run before each timed one (JIT, SQLite's page cache), seconds. */
const WARMUP_SECONDS = 2;
/** A 200 shorter than this is an error envelope, not an answer (a gzipped answer is several KB). */
const MIN_ANSWER_BYTES = 1000;

export interface StoreSizeResult {
  readonly users: number;
  readonly days: number;
  readonly events: number;
  /** Σ over the simulated days (warm-up included) of the day's ActiveUserNum. */
  readonly activeUserDays: number;
  /** Bytes per table, its indexes included (SQLite dbstat: pages in use). */
  readonly tables: Readonly<Record<string, number>>;
  /** stats + stat_sets + member_ids: the aggregation model behind getappinfo and getstats. */
  readonly modelBytes: number;
  readonly fileBytes: number;
  readonly ingestSeconds: number;
}

export interface LatencyRow extends LatencySummary {
  readonly label: string;
  readonly body: string;
  /** Result rows and bytes of one answer. */
  readonly resultRows: number;
  readonly answerBytes: number;
  readonly targetMs: number;
  /** Server CPU seconds per call (user + system, from /proc): holds up better than latency on a busy machine. */
  readonly serverCpuMsPerCall: number;
}

export interface GetStatsBenchResult {
  readonly size: StoreSizeResult;
  readonly latency: {
    readonly users: number;
    readonly templateEvents: number;
    readonly filledDays: number;
    readonly ingestSeconds: number;
    readonly rows: readonly LatencyRow[];
  };
}

export interface GetStatsBenchOptions {
  readonly workDir: string;
  readonly quick: boolean;
  readonly serverFlags?: readonly string[];
  readonly log: (line: string) => void;
}

/** Feeds a simulation into a fresh SQLite file through the real pipeline; returns its path and event count. */
async function ingestSimulation(file: string, options: { users: number; days: number; start: string; preRegisteredShare?: number }, log: (line: string) => void, createdAt: number): Promise<{ events: number; seconds: number; key: string }> {
  const store = await openStore(`sqlite:${file}`);
  const apps = new AppsRepo(store);
  const key = generateSecretKey();
  await apps.create({ sdkappid: SDKAPPID, name: 'getstats bench', timezone: TIMEZONE, secretKey: key, createdAt });
  const ingestor = ingestorForStore(store, { apps });
  const t0 = performance.now();
  let batch: ImEvent[] = [];
  let events = 0;
  const flush = async () => {
    const r = await ingestor.ingest(batch.map((value, i) => ({ line: i + 1, value })));
    if (r.rejected) throw new Error(`getstats bench: ${r.rejected} events rejected: ${JSON.stringify(r.errors.slice(0, 3))}`);
    events += batch.length;
    batch = [];
    if (events % 500_000 < BATCH) log(`getstats: ${formatCount(events)} events ingested`);
  };
  for (const e of simulateEvents({ sdkappid: SDKAPPID, users: options.users, days: options.days, seed: 13, start: options.start, timezone: TIMEZONE, ...(options.preRegisteredShare === undefined ? {} : { preRegisteredShare: options.preRegisteredShare }) })) {
    batch.push(e);
    if (batch.length === BATCH) await flush();
  }
  if (batch.length) await flush();
  const seconds = (performance.now() - t0) / 1000;
  await store.close();
  return { events, seconds, key };
}

/** Bytes in use per table (indexes counted with their table), from SQLite's dbstat. */
function tableBytes(file: string): Record<string, number> {
  const db = new Database(file);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    const owner = new Map((db.prepare('select name, tbl_name from sqlite_master').all() as Array<{ name: string; tbl_name: string }>).map((r) => [r.name, r.tbl_name]));
    const out: Record<string, number> = {};
    for (const r of db.prepare('select name, sum(pgsize) as bytes from dbstat group by name').all() as Array<{ name: string; bytes: number }>) {
      const table = owner.get(r.name) ?? r.name;
      out[table] = (out[table] ?? 0) + r.bytes;
    }
    return out;
  } finally {
    db.close();
  }
}

/** Store size per active user-day: a default simulation through the pipeline, every grain and breakdown kept. */
async function measureSize(o: GetStatsBenchOptions): Promise<StoreSizeResult> {
  const users = o.quick ? 2_000 : 10_000;
  const days = 7;
  const start = addDays(dayOfZone(TIMEZONE).day(Date.now()), -days);
  const file = join(o.workDir, 'getstats-size.db');
  o.log(`getstats: store size, simulating and ingesting ${formatCount(users)} users × ${days} days`);
  const { events, seconds } = await ingestSimulation(file, { users, days, start }, o.log, Date.now() - 60 * DAY_MS);
  const tables = tableBytes(file);
  const db = new Database(file, { readonly: true });
  const activeUserDays = Number((db.prepare(`select sum(ActiveUserNum) as n from stats where grain = 'day' and dim = ''`).get() as { n: number }).n);
  db.close();
  const modelBytes = (tables.stats ?? 0) + (tables.stat_sets ?? 0) + (tables.member_ids ?? 0);
  return { users, days, events, activeUserDays, tables, modelBytes, fileBytes: statSync(file).size, ingestSeconds: seconds };
}

/**
 * The latency app: a 100,000-user default simulation of one day (and its warm-up day) through the
 * pipeline, then that day's stored rows and sets copied to each of the 60 days ending today (the
 * day sets' dense ids rotated per day, so the days differ): every day a 30-day answer reads has a
 * full day of a 100,000-user app behind it, without simulating 60 days.
 */
export async function buildLatencyApp(o: GetStatsBenchOptions, file: string): Promise<{ users: number; events: number; seconds: number; key: string }> {
  const users = o.quick ? 20_000 : 100_000;
  const today = dayOfZone(TIMEZONE).day(Date.now());
  const template = addDays(today, -1);
  o.log(`getstats: latency app, simulating and ingesting ${formatCount(users)} users × 1 day`);
  // 99% registered before the day (the default 60% would register 40% of the app on its one
  // simulated day: cohorts of 40,000, where a real app's day brings about 1%).
  const r = await ingestSimulation(file, { users, days: 1, start: template, preRegisteredShare: PRE_REGISTERED_SHARE }, o.log, Date.now() - 90 * DAY_MS);
  o.log(`getstats: copying ${template} to the ${FILLED_DAYS} days ending ${today}`);
  const db = new Database(file);
  try {
    const statsCols = (db.prepare(`select name from pragma_table_info('stats')`).all() as Array<{ name: string }>).map((c) => c.name);
    const copied = statsCols.map((c) => (c === 'bucket' ? `? || substr(bucket, 9)` : `"${c}"`)).join(', ');
    const nextId = Number((db.prepare('select next_member_id as n from app_state where sdkappid = ?').get(SDKAPPID) as { n: number }).n);
    db.transaction(() => {
      db.prepare(`delete from stats where sdkappid = ? and substr(bucket, 1, 8) <> ?`).run(SDKAPPID, template);
      db.prepare(`delete from stat_sets where sdkappid = ? and substr(bucket, 1, 8) <> ?`).run(SDKAPPID, template);
      const copyStats = db.prepare(`insert into stats (${statsCols.map((c) => `"${c}"`).join(', ')}) select ${copied} from stats where sdkappid = ? and substr(bucket, 1, 8) = ?`);
      const copySets = db.prepare(`insert into stat_sets (sdkappid, grain, bucket, dim, field, ids) select sdkappid, grain, ? || substr(bucket, 9), dim, field, ids from stat_sets where sdkappid = ? and substr(bucket, 1, 8) = ? and not (grain = 'day' and dim = '')`);
      const daySets = db.prepare(`select field, ids from stat_sets where sdkappid = ? and grain = 'day' and dim = '' and bucket = ?`).all(SDKAPPID, template) as Array<{ field: string; ids: Uint8Array }>;
      const insertSet = db.prepare(`insert into stat_sets (sdkappid, grain, bucket, dim, field, ids) values (?, 'day', ?, '', ?, ?)`);
      for (let k = 0; k < FILLED_DAYS; k++) {
        const day = addDays(today, -k);
        if (day === template) continue;
        copyStats.run(day, SDKAPPID, template);
        copySets.run(day, SDKAPPID, template);
        for (const s of daySets) {
          const ids = decodeIdSet(s.ids).map((id) => (id + (k + 1) * 7919) % nextId).sort();
          insertSet.run(SDKAPPID, day, s.field, encodeIdSet(ids));
        }
      }
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return { users, events: r.events, seconds: r.seconds, key: r.key };
}

/**
 * Sequential calls on one keep-alive connection, asking for gzip as browsers (the console) and
 * most HTTP clients do: wrk with one connection, pinned to core 1 (taskset -c 1), the server on
 * core 0. A warm-up run checks every answer is a complete 200 (wrk's response() hook); the timed
 * run is checked by wrk's own counts. The server's CPU is read over the timed run only.
 */
async function timeRequests(server: Child, url: string, path: string, body: string, seconds: number, workDir: string): Promise<{ summary: LatencySummary; serverCpuMsPerCall: number }> {
  const base = { url, path, request: { body, headers: { 'Accept-Encoding': 'gzip, deflate' } }, connections: 1, cpu: CLIENT_CPU, workDir, script: { minBodyBytes: MIN_ANSWER_BYTES } };
  const warm = await runWrk({ ...base, seconds: WARMUP_SECONDS });
  if (warm.short + warm.non2xx + warm.errors > 0 || warm.responses === 0) throw new Error(`getstats bench warm-up: ${warm.short} short, ${warm.non2xx} non-2xx, ${warm.errors} socket errors of ${warm.responses}`);
  let cpu0 = 0;
  const run = await runWrk({ ...base, seconds, countEach: false, onStart: () => (cpu0 = server.cpuSeconds()) });
  const cpu = server.cpuSeconds() - cpu0;
  if (run.statusErrors + run.errors > 0 || run.bytes < run.responses * MIN_ANSWER_BYTES) throw new Error(`getstats bench: ${run.statusErrors} error statuses, ${run.errors} socket errors, ${run.bytes} bytes for ${run.responses} answers`);
  return {
    summary: { count: run.responses, meanMs: run.meanUs / 1000, p50Ms: run.p50Us / 1000, p99Ms: run.p99Us / 1000, maxMs: run.maxUs / 1000 },
    serverCpuMsPerCall: (cpu * 1000) / run.responses,
  };
}

/** One untimed call, for the answer's result rows and size (uncompressed). */
async function answerOf(url: string, body: string): Promise<{ rows: number; bytes: number }> {
  const text = await (await fetch(url, { method: 'POST', body })).text();
  const answer = JSON.parse(text) as { ActionStatus: string; ErrorInfo: string; Result?: unknown[] };
  if (answer.ActionStatus !== 'OK') throw new Error(`getstats bench: ${answer.ErrorInfo}`);
  return { rows: answer.Result!.length, bytes: Buffer.byteLength(text) };
}

export async function benchGetStats(o: GetStatsBenchOptions): Promise<GetStatsBenchResult> {
  if (findWrk() === undefined) throw new Error('the getstats latency bench times its calls with wrk: install it (apt-get install wrk)');
  const size = await measureSize(o);
  const file = join(o.workDir, 'getstats-latency.db');
  const app = await buildLatencyApp(o, file);
  const seconds = o.quick ? 3 : 10;
  const server = new Child(new URL('./server-child.js', import.meta.url), ['imstats', `sqlite:${file}`, '1000000000'], { nodeFlags: o.serverFlags ?? [], cpu: SERVER_CPU });
  const rows: LatencyRow[] = [];
  try {
    const origin = await server.waitFor('listening ');
    const sig = makeUserSig({ sdkappid: SDKAPPID, identifier: 'administrator', key: app.key, expireSeconds: 86_400 });
    const path = `/v4/imstats/getstats?sdkappid=${SDKAPPID}&identifier=administrator&usersig=${encodeURIComponent(sig)}&random=1&contenttype=json`;
    const cases = [
      { label: '24 hours × platforms (By platform, every field it offers)', body: { Grain: 'hour', By: 'platform' }, targetMs: HOURS_P99_TARGET_MS },
      { label: '30 days, every day field (reach and retention included)', body: { Grain: 'day' }, targetMs: DAYS_P99_TARGET_MS },
    ];
    for (const c of cases) {
      o.log(`getstats: ${seconds} s of sequential calls, ${c.label}`);
      const body = JSON.stringify(c.body);
      const answer = await answerOf(`${origin}${path}`, body);
      const t = await timeRequests(server, origin, path, body, seconds, o.workDir);
      rows.push({ label: c.label, body, ...t.summary, resultRows: answer.rows, answerBytes: answer.bytes, targetMs: c.targetMs, serverCpuMsPerCall: t.serverCpuMsPerCall });
    }
  } finally {
    await server.stop();
  }
  return { size, latency: { users: app.users, templateEvents: app.events, filledDays: FILLED_DAYS, ingestSeconds: app.seconds, rows } };
}

/** The getstats tables (Markdown, like the rest of the report). */
export function renderGetStats(g: GetStatsBenchResult): string {
  const s = g.size;
  const perDay = (bytes: number) => (bytes / s.activeUserDays).toFixed(0);
  const tables = Object.entries(s.tables).sort(([, a], [, b]) => b - a);
  return [
    `getstats store size: ${formatCount(s.users)} users × ${s.days} days + warm-up day, default simulation (${formatCount(s.events)} events, ingested in ${formatSeconds(s.ingestSeconds)}), SQLite; ${formatCount(s.activeUserDays)} active user-days; bytes in use per table with its indexes (dbstat)`,
    formatTable(
      [{ header: 'table' }, { header: 'bytes', align: 'right' }, { header: 'per active user-day', align: 'right' }],
      [
        ...tables.map(([t, b]) => [t, formatCount(b), `${perDay(b)} B`]),
        ['aggregation model (stats + stat_sets + member_ids)', formatCount(s.modelBytes), `${perDay(s.modelBytes)} B`],
        ['whole file', formatCount(s.fileBytes), `${perDay(s.fileBytes)} B`],
      ],
    ),
    '',
    `getstats latency, uncached (getstats never caches): ${formatCount(g.latency.users)}-user simulated app (${PRE_REGISTERED_SHARE * 100}% registered before; ${formatCount(g.latency.templateEvents)} events of one day through the pipeline, that day's rows and sets copied to the ${g.latency.filledDays} days ending today, ids rotated per day), server pinned to core ${SERVER_CPU} (taskset -c ${SERVER_CPU}), wrk (1 thread, 1 connection: sequential calls, asking for gzip) pinned to core ${CLIENT_CPU}; bytes are the uncompressed answer`,
    formatTable(
      [{ header: 'request' }, { header: 'rows', align: 'right' }, { header: 'bytes', align: 'right' }, { header: 'calls', align: 'right' }, { header: 'p50', align: 'right' }, { header: 'p99', align: 'right' }, { header: 'max', align: 'right' }, { header: 'server CPU/call', align: 'right' }],
      g.latency.rows.map((r) => [`${r.label}: \`${r.body}\``, formatCount(r.resultRows), formatCount(r.answerBytes), formatCount(r.count), formatMs(r.p50Ms), formatMs(r.p99Ms), formatMs(r.maxMs), formatMs(r.serverCpuMsPerCall)]),
    ),
  ].join('\n');
}

export function getStatsTargets(g: GetStatsBenchResult): TargetCheck[] {
  const perDay = g.size.modelBytes / g.size.activeUserDays;
  return [
    {
      target: `store ≤ ${STORE_BYTES_TARGET} bytes per active user-day (all grains and breakdowns, reach/retention detail)`,
      measured: `${perDay.toFixed(0)} B (${formatMB(g.size.modelBytes)} for ${formatCount(g.size.activeUserDays)} active user-days; whole file ${(g.size.fileBytes / g.size.activeUserDays).toFixed(0)} B)`,
      met: perDay <= STORE_BYTES_TARGET,
    },
    ...g.latency.rows.map((r) => ({
      target: `getstats uncached, ${r.label.replace(/ \(.*\)$/, '')}, ${formatCount(g.latency.users)} users: p99 ≤ ${r.targetMs} ms`,
      measured: `p99 ${formatMs(r.p99Ms)}, p50 ${formatMs(r.p50Ms)}, server CPU ${formatMs(r.serverCpuMsPerCall)}/call`,
      met: r.p99Ms <= r.targetMs,
    })),
  ];
}
