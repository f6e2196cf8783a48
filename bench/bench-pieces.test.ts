// The benchmark's own pure pieces (no benchmark runs here: timings belong in `npm run bench`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BenchArgsError, DEFAULT_BENCH_OUT, parseBenchArgs } from './bench-args.js';
import type { IngestRun, LoadResult } from './bench-report.js';
import { checkTargets } from './check-targets.js';
import { formatCount, formatMB, formatMs, formatRatio, formatTable } from './format-table.js';
import { LatencyRecorder, median, percentile } from './latency-stats.js';
import { sourceOf, summarizeProfile } from './profile-summary.js';
import { BYTES_TOLERANCE, shortByBytes } from './getappinfo-load.js';
import { BENCH_BEGIN, BENCH_END, replaceBenchSection } from './readme-section.js';

test('percentile is nearest-rank: the smallest value with p% of values at or below it', () => {
  const v = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(v, 50), 50);
  assert.equal(percentile(v, 99), 99);
  assert.equal(percentile(v, 100), 100);
  assert.equal(percentile(v, 0), 1);
  assert.equal(percentile([1, 2, 3], 50), 2);
  assert.equal(percentile([7], 99), 7);
  assert.ok(Number.isNaN(percentile([], 50)));
  assert.throws(() => percentile(v, 101), RangeError);
});

test('the latency recorder keeps every sample past its first capacity and summarises them sorted', () => {
  const r = new LatencyRecorder();
  const n = 100_000;
  // Descending input: the summary must not depend on arrival order.
  for (let i = n; i >= 1; i--) r.record(i / 1000);
  const s = r.summary();
  assert.equal(s.count, n);
  assert.equal(s.p50Ms, 50);
  assert.equal(s.p99Ms, 99);
  assert.equal(s.maxMs, 100);
  assert.ok(Math.abs(s.meanMs - 50.0005) < 1e-9);
  assert.ok(Number.isNaN(new LatencyRecorder().summary().p50Ms));
});

test('median of odd and even counts', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('tables align columns and mark right-aligned ones in the Markdown rule', () => {
  const table = formatTable([{ header: 'case' }, { header: 'req/s', align: 'right' }], [['plain', '20,000'], ['imstats', '900']]);
  assert.equal(
    table,
    ['| case    |  req/s |', '|:--------|-------:|', '| plain   | 20,000 |', '| imstats |    900 |'].join('\n'),
  );
  // A short row is padded with empty cells.
  assert.equal(formatTable([{ header: 'a' }, { header: 'b' }], [['x']]).split('\n')[2], '| x   |     |');
});

test('number formats', () => {
  assert.equal(formatCount(1234567.6), '1,234,568');
  assert.equal(formatCount(Number.NaN), '–');
  assert.equal(formatMs(0.456), '0.46 ms');
  assert.equal(formatMs(12.34), '12.3 ms');
  assert.equal(formatMs(1234), '1,234 ms');
  assert.equal(formatRatio(0.634), '63%');
  assert.equal(formatMB(123_456_789), '123 MB');
});

test('flags: --quick, --only (repeated, comma-separated, with =), --out, --scale-events, --scale-from; unknown ones refused', () => {
  assert.deepEqual(parseBenchArgs([]), { quick: false, help: false, out: DEFAULT_BENCH_OUT, only: ['getappinfo', 'ingest', 'scale', 'getstats', 'nats'] });
  assert.deepEqual(parseBenchArgs(['--quick', '--only', 'scale,ingest']).only, ['ingest', 'scale']);
  assert.deepEqual(parseBenchArgs(['--only=getappinfo', '--only', 'scale']).only, ['getappinfo', 'scale']);
  assert.equal(parseBenchArgs(['--out', 'x.json']).out, 'x.json');
  assert.throws(() => parseBenchArgs(['--only', 'nope']), BenchArgsError);
  assert.throws(() => parseBenchArgs(['--only']), BenchArgsError);
  assert.throws(() => parseBenchArgs(['--fast']), BenchArgsError);
  assert.deepEqual(parseBenchArgs(['--scale-events', '3000000,1_000_000']).scaleEvents, [1_000_000, 3_000_000]);
  assert.throws(() => parseBenchArgs(['--scale-events', '1e6,-2']), BenchArgsError);
  assert.equal(parseBenchArgs(['--scale-from', 'bench-results/100m.json']).scaleFrom, 'bench-results/100m.json');
  assert.throws(() => parseBenchArgs(['--scale-from']), BenchArgsError);
});

const load = (rps: number, p99Ms: number): LoadResult => ({
  label: '', server: 'imstats', placement: 'pinned', generator: 'wrk', appsInStore: 1, appsCalled: 1, userSig: 'reused', connections: 10, durationS: 10,
  requests: rps * 10, rps, meanMs: 1, p50Ms: 1, p99Ms, maxMs: p99Ms, shortAnswers: 0, non2xx: 0, errors: 0,
  answerBytes: 25_000, serverCores: 1, clientCores: 1,
});
const run = (mode: IngestRun['mode'], eventsPerS: number, maxRssBytes: number, events = 1e6): IngestRun => ({
  label: '', mode, events, bytes: 1e8, seconds: events / eventsPerS, eventsPerS, maxRssBytes, cpuS: 1,
});

const getappinfo = (reused: LoadResult, perCall: LoadResult, uncached: LoadResult) => ({
  rateLimit: 1e9,
  plain: load(20_000, 2),
  reused,
  perCall,
  thousandApps: load(1, 99),
  uncached: { ...uncached, appsCalled: 10_000 },
  unpinned: { plain: load(1, 99), reused: load(1, 99) },
});

test('targets: ratios against the pinned plain server and the floor, p99s, DuckDB and memory (every measured size, never an estimate)', () => {
  const met = checkTargets({
    getappinfo: getappinfo(load(10_000, 5), load(6_000, 99), load(5_000, 20)),
    ingest: { floor: run('floor', 1_000_000, 50e6), pipeline: run('pipeline', 500_000, 200e6), duckdb: run('duckdb', 250_000, 900e6) },
    scale: {
      getappinfo: [],
      ingest: [
        { events: 1e7, estimated: false, pipeline: run('pipeline', 300_000, 500e6, 1e7) },
        { events: 1e8, estimated: true, pipeline: run('pipeline', 300_000, 9e9, 1e8) },
      ],
    },
  });
  assert.deepEqual(met.map((t) => t.met), [true, true, true, true, true, true, true]);
  assert.match(met[6]!.measured, /500 MB .*10,000,000 events/);

  const missed = checkTargets({
    getappinfo: getappinfo(load(9_999, 5.01), load(5_999, 1), load(4_999, 1)),
    ingest: { floor: run('floor', 1_000_000, 50e6), pipeline: run('pipeline', 499_999, 600e6), duckdb: run('duckdb', 250_000, 1) },
  });
  assert.deepEqual(missed.map((t) => t.met), [false, false, false, false, false, false, false]);
  // Each limit on its own: a fast uncached run with a slow p99 still misses.
  assert.equal(checkTargets({ getappinfo: getappinfo(load(10_000, 5), load(6_000, 1), load(9_000, 20.5)) })[3]!.met, false);
  assert.deepEqual(checkTargets({}), []);
});

test('targets: PostgreSQL and MariaDB ingestion against SQLite of the same run, each on its own; their memory counts too', () => {
  const floor = run('floor', 1_000_000, 50e6);
  const sqlite = run('pipeline', 200_000, 200e6);
  const checks = checkTargets({ ingest: { floor, pipeline: sqlite, postgres: run('pipeline', 140_000, 300e6), mysql: run('pipeline', 139_999, 700e6) } });
  const byTarget = new Map(checks.map((c) => [c.target, c]));
  assert.equal(byTarget.get("ingestion into PostgreSQL ≥ 70% of SQLite's")?.met, true);
  assert.equal(byTarget.get("ingestion into MariaDB ≥ 70% of SQLite's")?.met, false);
  assert.match(byTarget.get("ingestion into MariaDB ≥ 70% of SQLite's")!.measured, /^70% \(139,999 vs 200,000 events\/s\)$/);
  // The 700 MB MariaDB run is over the memory limit whatever SQLite used.
  assert.equal(checks.find((c) => c.target.startsWith('ingestion peak memory'))?.met, false);
  // Without the rows there are no such targets.
  assert.equal(checkTargets({ ingest: { floor, pipeline: sqlite } }).filter((c) => /PostgreSQL|MariaDB/.test(c.target)).length, 0);
});

test('profile summary charges each sample to the top frame until the next sample', () => {
  const frame = (id: number, functionName: string, url: string) => ({ id, callFrame: { functionName, url, lineNumber: 9 } });
  const s = summarizeProfile({
    nodes: [frame(1, '(root)', ''), frame(2, 'executeQuery', 'file:///w/node_modules/kysely/dist/esm/x.js'), frame(3, 'toDayReport', 'file:///w/dist/report/daily-report.js')],
    samples: [2, 3, 2, 1],
    timeDeltas: [5, 1000, 3000, 4000],
  });
  // The last sample has no successor, so it is charged nothing.
  assert.equal(s.totalMs, 8);
  assert.deepEqual(s.functions.map((f) => [f.name, f.ms]), [
    ['executeQuery kysely:10', 5],
    ['toDayReport report/daily-report:10', 3],
    ['(root) (native/VM)', 0],
  ]);
  assert.equal(s.sources.find((x) => x.name === 'kysely')!.share, 5 / 8);
  assert.equal(sourceOf('file:///w/node_modules/@fastify/compress/index.js'), '@fastify/compress');
  assert.equal(sourceOf('node:internal/streams/readable'), 'node:internal/streams/readable');
});

test('the README bench section is replaced between its markers only, and a README without them is refused', () => {
  const readme = `# x\n\nbefore\n${BENCH_BEGIN}\nold table\n${BENCH_END}\nafter\n`;
  const out = replaceBenchSection(readme, '| new |\n');
  assert.equal(out, `# x\n\nbefore\n${BENCH_BEGIN}\n\n| new |\n\n${BENCH_END}\nafter\n`);
  assert.equal(replaceBenchSection(out, '| new |'), out);
  assert.throws(() => replaceBenchSection('# no markers', 'x'), /no .* section/);
  assert.throws(() => replaceBenchSection(`${BENCH_END}\n${BENCH_BEGIN}`, 'x'), /no .* section/);
});

test('short answers of a measured wrk run, from its bytes against the warm-up bytes per answer', () => {
  // 1,000 answers of 25,000 bytes: all complete, or more bytes (a partly read answer at the stop).
  assert.equal(shortByBytes({ responses: 1000, bytes: 25_000_000 }, 25_000), 0);
  assert.equal(shortByBytes({ responses: 1000, bytes: 25_010_000 }, 25_000), 0);
  // Sizes that vary a little between apps stay within the tolerance.
  assert.equal(shortByBytes({ responses: 1000, bytes: 25_000_000 * (1 - BYTES_TOLERANCE) }, 25_000), 0);
  // 10 answers of 200 bytes instead of 25,000: charged at half an answer each, never fewer than 10.
  const ten = shortByBytes({ responses: 1000, bytes: 990 * 25_000 + 10 * 200 }, 25_000);
  assert.ok(ten >= 10 && ten <= 20, String(ten));
  // Answers just under half size are the fewest bytes missing per short answer: still all counted.
  assert.equal(shortByBytes({ responses: 1000, bytes: 900 * 25_000 + 100 * 12_499 }, 25_000), 101);
  assert.equal(shortByBytes({ responses: 1000, bytes: 1000 * 200 }, 25_000), 1000);
});
