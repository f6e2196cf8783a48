// `npm run bench [-- --quick] [-- --only getappinfo|ingest|scale] [-- --readme]`: the benchmark suite (issue 7).
// Prints Markdown tables on stdout (progress on stderr) and writes the figures as JSON.
// IMSTATS_BENCH_PROF=DIR runs every server and ingestion child under `node --cpu-prof` into DIR.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { BENCH_USAGE, BenchArgsError, parseBenchArgs, type BenchArgs } from './bench-args.js';
import type { BenchReport, IngestRun, ScaleIngestRow } from './bench-report.js';
import { checkTargets } from './check-targets.js';
import { benchGetAppInfo } from './getappinfo-bench.js';
import { LOAD_GENERATOR } from './getappinfo-load.js';
import { benchGetStats, getStatsTargets } from './getstats-bench.js';
import { runIngest, runIngestOnServer, writeEventsFile } from './ingest-bench.js';
import { renderReport } from './render-report.js';
import { benchNats, renderNatsBench, type NatsBenchResult } from './nats-bench.js';
import { replaceBenchSection } from './readme-section.js';

const PIPELINE_LABEL = 'ingestStream into SQLite (worker thread: split, parse, validate, stateless tally; main thread: stateful reduce, commit)';

/** Concurrent requests of every getappinfo load run (the issue's p99 target is at 32). */
const GETAPPINFO_CONNECTIONS = 32;
/** The server's frequency limit during the benchmark, far above any rate this machine reaches. */
const BENCH_RATE_LIMIT = 1_000_000_000;

let args: BenchArgs;
try {
  args = parseBenchArgs(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof BenchArgsError)) throw err;
  console.error(`${err.message}\n${BENCH_USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(BENCH_USAGE);
  process.exit(0);
}

const startedMs = Date.now();
const loadAtStart = loadavg()[0]!;
const log = (line: string) => process.stderr.write(`[${((Date.now() - startedMs) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
const profDir = process.env.IMSTATS_BENCH_PROF;
const childFlags = profDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profDir)}`] : [];
const workDir = mkdtempSync(join(tmpdir(), 'imstats-bench-'));
const wants = (part: BenchArgs['only'][number]) => args.only.includes(part);

const plan = args.quick
  ? { durationS: 3, warmupS: 1, mainEvents: 300_000, scaleEvents: args.scaleEvents ?? [300_000, 1_000_000] }
  : { durationS: 10, warmupS: 2, mainEvents: 1_000_000, scaleEvents: args.scaleEvents ?? [1_000_000, 10_000_000, 100_000_000] };
const SCALE_APPS = [1, 100, 10_000];
const notes: string[] = [
  `${cpus().length} CPU cores, Node ${process.versions.node}. Ingestion runs alone in a child process, not pinned.`,
];

/** The measured (never estimated) scaling rows of an earlier run's JSON by size, and which run it was. */
function earlierScaleRows(file: string): { rows: Map<number, ScaleIngestRow>; run: string } {
  const earlier = JSON.parse(readFileSync(file, 'utf8')) as BenchReport;
  const rows = new Map((earlier.scale?.ingest ?? []).filter((r) => !r.estimated && r.basis === undefined).map((r) => [r.events, r]));
  const load = earlier.machine.loadAverage;
  return { rows, run: `the run of ${earlier.startedAt}${load ? ` (load ${load.start.toFixed(1)} → ${load.end.toFixed(1)})` : ''}` };
}

let report: BenchReport | undefined;
let nats: NatsBenchResult | undefined;
try {
  const parts: { -readonly [K in 'getappinfo' | 'ingest' | 'scale' | 'getstats']?: BenchReport[K] } = {};

  if (wants('getappinfo') || wants('scale')) {
    notes.push(
      `getappinfo load generator: ${LOAD_GENERATOR.description}; ${GETAPPINFO_CONNECTIONS} keep-alive connections, each row an unmeasured warm-up run and then the measured run. The server and the load generator each run in a process of their own on loopback; "pinned" rows put the server on core 0 (taskset -c 0) and the load generator on core 1 (taskset -c 1), so each has exactly one core and the server's GC and libuv threads cannot borrow the other's; "unpinned" rows let the scheduler place both (the server may then use some of the second core, so they are not like for like with the pinned plain server).`,
      `The server's frequency limit was raised to ${BENCH_RATE_LIMIT.toLocaleString('en-US')} calls/s per app (buildApp rateLimit; Tencent's and the default is 200/s), so the load measures the work, not 60007 refusals.`,
      LOAD_GENERATOR.name === 'wrk'
        ? "Latency is wrk's histogram over every response of the measured run (microsecond resolution, from the request's write to the answer's last byte). Only complete answers count in req/s. The warm-up run of each row checks every answer (a Lua response() hook: any non-2xx, and any HTTP 200 whose body is under half the full answer, such as a 60007 envelope); the measured run goes without the hook, which would triple wrk's CPU per answer (it hands every 25 KB body to Lua), and is checked by wrk's count of status errors and by its bytes per answer against the warm-up's (a shortfall beyond 0.2% is charged as short answers, at half an answer's bytes each). The line under the table says what was found."
        : "Latency is measured per response in the load generator (sub-millisecond; autocannon's own histogram rounds to whole ms); only complete answers count, an HTTP 200 error envelope would be counted as short.",
    );
    const g = await benchGetAppInfo({
      workDir,
      durationS: plan.durationS,
      warmupS: plan.warmupS,
      connections: GETAPPINFO_CONNECTIONS,
      rateLimit: BENCH_RATE_LIMIT,
      main: wants('getappinfo'),
      scaleApps: wants('scale') ? SCALE_APPS : [],
      serverFlags: childFlags,
      log,
    });
    if (g.main) {
      parts.getappinfo = { rateLimit: BENCH_RATE_LIMIT, ...g.main };
      notes.push(
        `The "new UserSig per call" row sends UserSigs signed beforehand (a pool, so signing costs the client nothing during the run; the measured run continues through the pool where the warm-up stopped, so none is sent twice unless the pool wraps); ${LOAD_GENERATOR.name === 'wrk' ? "wrk's script builds every request of the pool once before the run and sends them in turn" : 'autocannon builds each of those requests anew (setupRequest)'}, as for the rows rotating over apps. The imstats rows are served by its getappinfo fast path (src/rest/getappinfo-fast-path.ts: a success answered without Fastify's per-request work, same bytes, from the answer cache or, for the full answer, made anew; everything else goes through Fastify). The answer cache keeps 2,000 answers, each from the second time its question comes within a few thousand others, so with 10,000 apps rotating every call computes its answer: that row is the uncached path. Rows rotating over apps first call every app once (before the timed warm-up), so they measure the steady state — each app's UserSig verified and its app read once, as when 10,000 apps call all day — however slowly a loaded machine gets through the first round.`,
      );
      const u = g.main.perCall.userSigs;
      if (u && u.sent > u.distinct) notes.push(`The UserSig pool wrapped: ${u.sent} sent, ${u.distinct} distinct.`);
    }
    if (g.scale.length) parts.scale = { ingest: [], getappinfo: g.scale };
  }

  const files = new Map<number, string>();
  const eventsFile = async (events: number) => {
    let file = files.get(events);
    if (!file) {
      file = join(workDir, `events-${events}.ndjson`);
      log(`ingest: simulating ${events.toLocaleString('en-US')} events to NDJSON`);
      await writeEventsFile(file, events);
      files.set(events, file);
    }
    return file;
  };
  const measured = new Map<number, { floor: IngestRun; pipeline: IngestRun }>();
  const measure = async (events: number) => {
    let m = measured.get(events);
    if (!m) {
      const file = await eventsFile(events);
      const n = events.toLocaleString('en-US');
      log(`ingest: JSON.parse floor, ${n} events`);
      const floor = await runIngest('floor', file, workDir, 'read, split, JSON.parse each line (floor)', childFlags);
      log(`ingest: pipeline into SQLite, ${n} events`);
      const pipeline = await runIngest('pipeline', file, workDir, PIPELINE_LABEL, childFlags);
      m = { floor, pipeline };
      measured.set(events, m);
      // Big files are not needed again (100 M events are about 11 GB).
      if (events > plan.mainEvents) {
        rmSync(file, { force: true });
        files.delete(events);
      }
    }
    return m;
  };

  if (wants('ingest')) {
    const main = await measure(plan.mainEvents);
    log(`ingest: readline + JSON.parse, ${plan.mainEvents.toLocaleString('en-US')} events`);
    const readlineFloor = await runIngest('readline-floor', await eventsFile(plan.mainEvents), workDir, 'readline + JSON.parse each line', childFlags);
    log(`ingest: pipeline into SQLite in one thread, ${plan.mainEvents.toLocaleString('en-US')} events`);
    const pipelineInThread = await runIngest('pipeline-in-thread', await eventsFile(plan.mainEvents), workDir, 'ingestStream into SQLite, all in one thread (inThread)', childFlags);
    const onServer: { postgres?: IngestRun; mysql?: IngestRun } = {};
    for (const [kind, name] of [['postgres', 'PostgreSQL'], ['mysql', 'MariaDB']] as const) {
      log(`ingest: pipeline into ${name}, ${plan.mainEvents.toLocaleString('en-US')} events`);
      try {
        onServer[kind] = await runIngestOnServer(kind, await eventsFile(plan.mainEvents), workDir, `ingestStream into ${name} (loopback)`, childFlags);
      } catch (err) {
        // The bench runs where the project's services run; a server that is down is said, not fatal.
        notes.push(`${name} ingestion not measured: ${(err as Error).message}`);
      }
    }
    log(`ingest: DuckDB read_json load, ${plan.mainEvents.toLocaleString('en-US')} events`);
    const duckdb = await runIngest('duckdb', await eventsFile(plan.mainEvents), workDir, 'DuckDB: read_json into a table (peer; load only)', childFlags);
    parts.ingest = { floor: main.floor, readlineFloor, pipeline: main.pipeline, pipelineInThread, ...onServer, duckdb };
    notes.push(
      `DuckDB (@duckdb/node-api, in memory, its own threads on both cores) loads the same file with read_json; its row is the load alone. Then one exact query (per day: C2C messages, logins, distinct logged-in users, all events; not all 28 counted fields) took ${duckdb.querySeconds?.toFixed(2)} s; imstats answers from its aggregates in milliseconds.`,
    );
  }
  if (wants('scale')) {
    const rows: ScaleIngestRow[] = [];
    const earlier = args.scaleFrom === undefined ? undefined : earlierScaleRows(args.scaleFrom);
    for (const events of plan.scaleEvents) {
      const row = earlier?.rows.get(events);
      if (row) {
        log(`ingest: ${events.toLocaleString('en-US')} events taken from ${args.scaleFrom}`);
        rows.push({ ...row, basis: earlier!.run });
      } else rows.push({ events, estimated: false, ...(await measure(events)) });
    }
    notes.push(
      `Scaling: every size is a real run (${plan.scaleEvents.map((n) => n.toLocaleString('en-US')).join(', ')} events), each file simulated, read by the floor, ingested into a fresh SQLite file, then deleted (100 M events are about 11 GB of NDJSON). Peak RSS is the ingesting process's, worker thread included.`,
    );
    parts.scale = { getappinfo: parts.scale?.getappinfo ?? [], ingest: rows };
  }
  if (wants('ingest') || wants('scale')) {
    notes.push('Simulated events: the default simulator workload (logins, messages, groups, pushes, callbacks) over 7 days plus a warm-up day, cut at exactly N events; every event is accepted. The floor reads the file in 1 MiB UTF-8 chunks, splits on newlines and JSON.parses each line (the cheapest honest read); the readline row does the same through node:readline, the line splitting ingestStream uses.');
  }

  if (wants('nats')) nats = await benchNats({ workDir, events: args.quick ? 40_000 : 200_000, log });
  if (wants('getstats')) parts.getstats = await benchGetStats({ workDir, quick: args.quick, serverFlags: childFlags, log });

  report = {
    startedAt: new Date(startedMs).toISOString(),
    finishedAt: new Date().toISOString(),
    quick: args.quick,
    parts: args.only,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', totalMemBytes: totalmem(), node: process.versions.node, platform: `${process.platform} ${process.arch}`, loadAverage: { start: loadAtStart, end: loadavg()[0]! } },
    notes,
    ...parts,
    targets: [...checkTargets(parts), ...(parts.getstats ? getStatsTargets(parts.getstats) : [])],
  };
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

const rendered = renderReport(report);
console.log(rendered);
if (nats) console.log(`\n${renderNatsBench(nats)}`);
if (args.readme) {
  const readme = resolve(args.readme);
  writeFileSync(readme, replaceBenchSection(readFileSync(readme, 'utf8'), rendered));
  console.log(`\nregenerated the bench tables in ${readme}`);
}
const out = resolve(args.out);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(nats ? { ...report, nats } : report, null, 2)}\n`);
console.log(`\nwrote ${out} (${((Date.now() - startedMs) / 1000).toFixed(0)} s)`);
