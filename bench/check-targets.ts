import type { BenchReport, TargetCheck } from './bench-report.js';
import { formatCount, formatMB, formatMs, formatRatio } from './format-table.js';

/** getappinfo (cached answer, pinned) throughput relative to the pinned plain node:http server: at least 0.5. */
export const GETAPPINFO_RATIO_TARGET = 0.5;
/** getappinfo (cached answer, pinned) p99 at full load: at most 5 ms. */
export const GETAPPINFO_P99_TARGET_MS = 5;
/** A new UserSig on every call, relative to the pinned plain server: at least 0.3. */
export const PER_CALL_RATIO_TARGET = 0.3;
/** getappinfo with 10,000 apps rotating (beyond the answer cache): at least 5,000 req/s… */
export const UNCACHED_RATE_TARGET = 5_000;
/** …with p99 at most 20 ms. */
export const UNCACHED_P99_TARGET_MS = 20;
/** Ingestion into SQLite relative to the JSON.parse floor of the same file: at least 0.5. */
export const INGEST_RATIO_TARGET = 0.5;
/** Ingestion into SQLite relative to DuckDB loading the same file (read_json): at least 2. */
export const INGEST_VS_DUCKDB_TARGET = 2;
/** Ingestion into PostgreSQL and into MariaDB relative to SQLite's of the same file: at least 0.7. */
export const SERVER_DB_INGEST_RATIO_TARGET = 0.7;
/** Peak memory of any ingestion, whatever the file size: under 512 MiB. */
export const INGEST_MEMORY_TARGET_BYTES = 512 * 1024 * 1024;

/**
 * The targets against what was measured (only parts that ran). The figures come from the
 * 1-app, reused-UserSig getappinfo run and the main ingestion run; memory from every pipeline run.
 */
export function checkTargets(report: Pick<BenchReport, 'getappinfo' | 'ingest' | 'scale'>): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const g = report.getappinfo;
  if (g) {
    const ratio = g.reused.rps / g.plain.rps;
    checks.push({
      target: `getappinfo (cached, pinned) ≥ ${formatRatio(GETAPPINFO_RATIO_TARGET)} of plain node:http (pinned) req/s`,
      measured: `${formatRatio(ratio)} (${formatCount(g.reused.rps)} vs ${formatCount(g.plain.rps)} req/s)`,
      met: ratio >= GETAPPINFO_RATIO_TARGET,
    });
    checks.push({
      target: `getappinfo (cached, pinned) p99 ≤ ${GETAPPINFO_P99_TARGET_MS} ms at ${g.reused.connections} connections`,
      measured: `${formatMs(g.reused.p99Ms)} at ${formatCount(g.reused.rps)} req/s`,
      met: g.reused.p99Ms <= GETAPPINFO_P99_TARGET_MS,
    });
    const perCall = g.perCall.rps / g.plain.rps;
    checks.push({
      target: `new UserSig per call (pinned) ≥ ${formatRatio(PER_CALL_RATIO_TARGET)} of plain node:http`,
      measured: `${formatRatio(perCall)} (${formatCount(g.perCall.rps)} req/s)`,
      met: perCall >= PER_CALL_RATIO_TARGET,
    });
    checks.push({
      target: `getappinfo uncached (${formatCount(g.uncached.appsCalled)} apps rotating, pinned) ≥ ${formatCount(UNCACHED_RATE_TARGET)} req/s, p99 ≤ ${UNCACHED_P99_TARGET_MS} ms`,
      measured: `${formatCount(g.uncached.rps)} req/s, p99 ${formatMs(g.uncached.p99Ms)}`,
      met: g.uncached.rps >= UNCACHED_RATE_TARGET && g.uncached.p99Ms <= UNCACHED_P99_TARGET_MS,
    });
  }
  const i = report.ingest;
  if (i) {
    const ratio = i.pipeline.eventsPerS / i.floor.eventsPerS;
    checks.push({
      target: `ingestion into SQLite ≥ ${formatRatio(INGEST_RATIO_TARGET)} of the JSON.parse floor`,
      measured: `${formatRatio(ratio)} (${formatCount(i.pipeline.eventsPerS)} vs ${formatCount(i.floor.eventsPerS)} events/s)`,
      met: ratio >= INGEST_RATIO_TARGET,
    });
    for (const [name, run] of [['PostgreSQL', i.postgres], ['MariaDB', i.mysql]] as const) {
      if (!run) continue;
      const vs = run.eventsPerS / i.pipeline.eventsPerS;
      checks.push({
        target: `ingestion into ${name} ≥ ${formatRatio(SERVER_DB_INGEST_RATIO_TARGET)} of SQLite's`,
        measured: `${formatRatio(vs)} (${formatCount(run.eventsPerS)} vs ${formatCount(i.pipeline.eventsPerS)} events/s)`,
        met: vs >= SERVER_DB_INGEST_RATIO_TARGET,
      });
    }
    if (i.duckdb) {
      const vs = i.pipeline.eventsPerS / i.duckdb.eventsPerS;
      checks.push({
        target: `ingestion into SQLite ≥ ${INGEST_VS_DUCKDB_TARGET}× DuckDB's read_json load of the same file`,
        measured: `${vs.toFixed(2)}× (DuckDB ${formatCount(i.duckdb.eventsPerS)} events/s)`,
        met: vs >= INGEST_VS_DUCKDB_TARGET,
      });
    }
  }
  const measuredRuns = [
    ...(i ? [i.pipeline, ...(i.postgres ? [i.postgres] : []), ...(i.mysql ? [i.mysql] : [])] : []),
    ...(report.scale?.ingest.filter((r) => !r.estimated).map((r) => r.pipeline) ?? []),
  ];
  if (measuredRuns.length) {
    const peak = measuredRuns.reduce((a, b) => (b.maxRssBytes > a.maxRssBytes ? b : a));
    checks.push({
      target: 'ingestion peak memory < 512 MiB whatever the file size',
      measured: `${formatMB(peak.maxRssBytes)} max RSS (${formatCount(peak.events)} events)`,
      met: peak.maxRssBytes < INGEST_MEMORY_TARGET_BYTES,
    });
  }
  return checks;
}
