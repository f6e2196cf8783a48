import type { BenchReport, IngestRun, LoadResult } from './bench-report.js';
import { formatCount, formatMB, formatMs, formatRatio, formatSeconds, formatTable } from './format-table.js';
import { renderGetStats } from './getstats-bench.js';

const cores = (c: number) => (Number.isFinite(c) ? c.toFixed(2) : '–');

function loadRow(r: LoadResult, plainRps?: number): string[] {
  return [
    r.label,
    formatCount(r.rps),
    plainRps === undefined ? '' : formatRatio(r.rps / plainRps),
    formatMs(r.p50Ms),
    formatMs(r.p99Ms),
    cores(r.serverCores),
    // CPU per answer holds up better than req/s on a machine shared with other work.
    Number.isFinite(r.serverCores) && r.rps > 0 ? `${((r.serverCores * 1e6) / r.rps).toFixed(0)} µs` : '–',
    cores(r.clientCores),
  ];
}

function ingestRow(r: IngestRun, floor?: IngestRun): string[] {
  return [
    r.label,
    formatCount(r.eventsPerS),
    floor ? formatRatio(r.eventsPerS / floor.eventsPerS) : '',
    formatSeconds(r.seconds),
    formatMB(r.maxRssBytes),
    cores(r.cpuS / r.seconds),
  ];
}

/** A line on the answers left out of req/s: none, or which rows had which. */
export function incompleteAnswers(rows: readonly LoadResult[]): string {
  const sampled = rows.filter((r) => r.sample !== undefined);
  const sample = sampled.length
    ? ` The warm-up of each row had every answer checked one by one (${formatCount(sampled.reduce((n, r) => n + r.sample!.answers, 0))} answers${
        sampled.some((r) => r.sample!.short + r.sample!.non2xx + r.sample!.errors > 0)
          ? `; incomplete: ${sampled
              .filter((r) => r.sample!.short + r.sample!.non2xx + r.sample!.errors > 0)
              .map((r) => `${r.label}: ${r.sample!.short} short, ${r.sample!.non2xx} non-2xx, ${r.sample!.errors} socket errors`)
              .join('; ')}`
          : ', all complete'
      }); measured runs are checked by wrk's status errors and their bytes per answer against the warm-up's.`
    : '';
  const flagged = rows.filter((r) => r.shortAnswers + r.non2xx + r.errors > 0);
  if (flagged.length === 0) return `Every answer counted above was complete: no non-2xx answer, no short (error-envelope) answer, no socket error or timeout in any row.${sample}`;
  return `Left out of req/s (not complete answers): ${flagged.map((r) => `${r.label}: ${r.shortAnswers} short, ${r.non2xx} non-2xx, ${r.errors} socket errors/timeouts`).join('; ')}.${sample}`;
}

/** The report as Markdown tables (also readable in a terminal): one per part, then the targets. */
export function renderReport(report: BenchReport): string {
  const out: string[] = [];
  const m = report.machine;
  out.push(
    `imstats benchmark${report.quick ? ' (--quick)' : ''}, ${report.finishedAt}: ${m.cpus} × ${m.cpuModel}, ${formatMB(m.totalMemBytes)} RAM, Node ${m.node}, ${m.platform}` +
      (m.loadAverage ? `; load average ${m.loadAverage.start.toFixed(2)} at the start, ${m.loadAverage.end.toFixed(2)} at the end (other work on the machine)` : ''),
  );

  const g = report.getappinfo;
  if (g) {
    const r = g.reused;
    const u = g.unpinned;
    out.push(
      '',
      `getappinfo: full 30-day, 32-field answer (${formatCount(r.answerBytes)} bytes), ${r.generator === 'wrk' ? 'wrk (1 thread)' : 'autocannon (client-bound: it saturates its core near 10,000 req/s)'} in its own process on loopback, ${r.connections} connections, ${formatSeconds(r.durationS)} per row, Node ${m.node}; pinned = server on core 0 (taskset -c 0), load generator on core 1 (taskset -c 1); "vs plain" against the plain node:http server placed the same way; CPU in cores`,
      formatTable(
        [{ header: 'case' }, { header: 'req/s', align: 'right' }, { header: 'vs plain', align: 'right' }, { header: 'p50', align: 'right' }, { header: 'p99', align: 'right' }, { header: 'server CPU', align: 'right' }, { header: 'server CPU/answer', align: 'right' }, { header: 'client CPU', align: 'right' }],
        [
          loadRow(g.plain),
          loadRow(g.reused, g.plain.rps),
          loadRow(g.perCall, g.plain.rps),
          loadRow(g.thousandApps, g.plain.rps),
          loadRow(g.uncached, g.plain.rps),
          loadRow(u.plain),
          loadRow(u.reused, u.plain.rps),
        ],
      ),
      incompleteAnswers([g.plain, g.reused, g.perCall, g.thousandApps, g.uncached, u.plain, u.reused]),
    );
  }

  const i = report.ingest;
  if (i) {
    out.push(
      '',
      `Ingestion: ${formatCount(i.pipeline.events)} simulated events, ${formatMB(i.pipeline.bytes)} of NDJSON, one child process per row; CPU in cores`,
      formatTable(
        [{ header: 'case' }, { header: 'events/s', align: 'right' }, { header: 'vs floor', align: 'right' }, { header: 'time', align: 'right' }, { header: 'peak RSS', align: 'right' }, { header: 'CPU', align: 'right' }],
        [ingestRow(i.floor), ...(i.readlineFloor ? [ingestRow(i.readlineFloor, i.floor)] : []), ingestRow(i.pipeline, i.floor), ...(i.pipelineInThread ? [ingestRow(i.pipelineInThread, i.floor)] : []), ...(i.postgres ? [ingestRow(i.postgres, i.floor)] : []), ...(i.mysql ? [ingestRow(i.mysql, i.floor)] : []), ...(i.duckdb ? [ingestRow(i.duckdb, i.floor)] : [])],
      ),
    );
  }

  const s = report.scale;
  if (s?.ingest.length) {
    out.push(
      '',
      'Scaling: ingestion into SQLite as the file grows',
      formatTable(
        [{ header: 'events' }, { header: 'events/s', align: 'right' }, { header: 'time', align: 'right' }, { header: 'peak RSS', align: 'right' }, { header: 'JSON.parse floor', align: 'right' }, { header: 'vs floor', align: 'right' }, { header: 'note' }],
        s.ingest.map((row) => [
          formatCount(row.events),
          formatCount(row.pipeline.eventsPerS),
          formatSeconds(row.pipeline.seconds),
          row.estimated ? '–' : formatMB(row.pipeline.maxRssBytes),
          row.floor ? formatCount(row.floor.eventsPerS) : '–',
          row.floor ? formatRatio(row.pipeline.eventsPerS / row.floor.eventsPerS) : '–',
          row.estimated ? `ESTIMATE: ${row.basis}` : row.basis ? `measured in ${row.basis}` : 'measured',
        ]),
      ),
    );
  }
  if (s?.getappinfo.length) {
    out.push(
      '',
      'Scaling: getappinfo with N apps × 30 days in the store, calls rotating over all N (each app its own reused UserSig)',
      formatTable(
        [{ header: 'apps' }, { header: 'req/s', align: 'right' }, { header: 'p50', align: 'right' }, { header: 'p99', align: 'right' }, { header: 'server CPU', align: 'right' }, { header: 'client CPU', align: 'right' }],
        s.getappinfo.map((r) => [formatCount(r.appsInStore), formatCount(r.rps), formatMs(r.p50Ms), formatMs(r.p99Ms), cores(r.serverCores), cores(r.clientCores)]),
      ),
    );
  }

  if (report.getstats) out.push('', renderGetStats(report.getstats));

  if (report.targets.length) {
    out.push(
      '',
      'Targets',
      formatTable([{ header: 'target' }, { header: 'measured' }, { header: 'met' }], report.targets.map((t) => [t.target, t.measured, t.met ? 'yes' : 'NO'])),
    );
  }
  if (report.notes.length) out.push('', 'Notes', ...report.notes.map((n) => `- ${n}`));
  return out.join('\n');
}
