import type { BenchReport, TargetCheck } from './bench-report.js';
import { formatCount, formatMB, formatMs, formatRatio } from './format-table.js';

/** getappinfo throughput relative to the plain node:http server: at least 0.5. */
export const GETAPPINFO_RATIO_TARGET = 0.5;
/** getappinfo p99 at full load: at most 10 ms. */
export const GETAPPINFO_P99_TARGET_MS = 10;
/** Ingestion on one core: at least 300,000 events/s. */
export const INGEST_RATE_TARGET = 300_000;
/** Ingestion relative to the JSON.parse floor: at least 0.3. */
export const INGEST_RATIO_TARGET = 0.3;
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
      target: `getappinfo ≥ ${formatRatio(GETAPPINFO_RATIO_TARGET)} of plain node:http req/s`,
      measured: `${formatRatio(ratio)} (${formatCount(g.reused.rps)} vs ${formatCount(g.plain.rps)} req/s)`,
      met: ratio >= GETAPPINFO_RATIO_TARGET,
    });
    checks.push({
      target: `getappinfo p99 ≤ ${GETAPPINFO_P99_TARGET_MS} ms at that load`,
      measured: `${formatMs(g.reused.p99Ms)} at ${formatCount(g.reused.rps)} req/s`,
      met: g.reused.p99Ms <= GETAPPINFO_P99_TARGET_MS,
    });
  }
  const i = report.ingest;
  if (i) {
    checks.push({
      target: `ingestion ≥ ${formatCount(INGEST_RATE_TARGET)} events/s on one core`,
      measured: `${formatCount(i.pipeline.eventsPerS)} events/s`,
      met: i.pipeline.eventsPerS >= INGEST_RATE_TARGET,
    });
    const ratio = i.pipeline.eventsPerS / i.floor.eventsPerS;
    checks.push({
      target: `ingestion ≥ ${formatRatio(INGEST_RATIO_TARGET)} of the JSON.parse floor`,
      measured: `${formatRatio(ratio)} (floor ${formatCount(i.floor.eventsPerS)} events/s)`,
      met: ratio >= INGEST_RATIO_TARGET,
    });
  }
  const measuredRuns = [
    ...(i ? [i.pipeline] : []),
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
