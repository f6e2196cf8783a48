// getstats for tests: the real request parser, checks and report over a pipeline harness's database.
import { statsReport, type StatsRow } from '../../src/report/stats-report.js';
import { checkedQuery } from '../../src/rest/routes/getstats.js';
import { parseGetStatsRequest } from '../../src/rest/routes/getstats-request.js';
import { StatsRepo } from '../../src/store/stats-repo.js';
import type { PipelineHarness } from './pipeline-harness.js';

/** getstats' Result and AsOf for a request body (an object), as the route computes them. */
export async function getStats(h: PipelineHarness, sdkappid: number, body: object, nowMs: number, retentionDays = 35): Promise<{ rows: StatsRow[]; asOf: number }> {
  const app = await h.apps.require(sdkappid);
  const query = checkedQuery(parseGetStatsRequest(Buffer.from(JSON.stringify(body))), app, nowMs, retentionDays);
  return statsReport(new StatsRepo(h.store), app, query, nowMs);
}

/** A Result row: the given values as strings over zeros for `fields`, keys byte-wise sorted. */
export function statsRow(fields: readonly string[], values: Record<string, string | number>): StatsRow {
  const row: StatsRow = {};
  for (const k of [...new Set([...fields, ...Object.keys(values)])].sort()) row[k] = String(values[k] ?? 0);
  return row;
}
