import { statsReport, type StatsQuery } from '../../report/stats-report.js';
import { currentBucket, defaultRange } from '../../report/stats-buckets.js';
import type { App } from '../../store/apps-repo.js';
import { addDays } from '../../time/calendar-day.js';
import { dayOfZone } from '../../time/day-of.js';
import { callerOf, requireUserSig } from '../authenticate.js';
import { ApiError, ERROR_CODES } from '../error-codes.js';
import { rawBodyOf } from '../raw-body.js';
import type { RestRoute } from './index.js';
import { parseGetStatsRequest, type GetStatsRequest } from './getstats-request.js';

/** Buckets × dimension values one call may return (stats-api.md). */
export const MAX_STATS_ROWS = 800;

/**
 * `POST /v4/imstats/getstats`: hours or days, all platforms or by platform/vendor, live today,
 * reach and retention (shared/spec/stats-api.md). Authenticated like getappinfo and counted in
 * getappinfo's frequency limit. Never cached: a live bucket changes with every batch.
 */
export const getStatsRoute: RestRoute = async (fastify, ctx) => {
  fastify.post('/imstats/getstats', { preHandler: requireUserSig(ctx), config: { frequencyBucket: '/v4/openconfigsvr/getappinfo', consoleToken: true } }, async (request, reply) => {
    const { app } = callerOf(request);
    const nowMs = ctx.nowMs();
    const query = checkedQuery(parseGetStatsRequest(rawBodyOf(request)), app, nowMs, ctx.retentionDays);
    const answer = await statsReport(ctx.stats, app, query, nowMs);
    if (answer.rows.length > MAX_STATS_ROWS) {
      throw new ApiError('INVALID_JSON', `the range gives ${answer.rows.length} rows (buckets × ${query.by ?? 'dimension'} values), more than ${MAX_STATS_ROWS}; ask for a shorter range`);
    }
    // Keys in byte-wise order, as every /v4 answer.
    const body = {
      ActionStatus: 'OK',
      AsOf: String(answer.asOf),
      ErrorCode: ERROR_CODES.OK.code,
      ErrorInfo: 'OK',
      Grain: query.grain,
      Result: answer.rows,
      TimeZone: app.timezone,
    };
    return reply.send(JSON.stringify(body));
  });
};

/** The range asked for (or the default), checked against the app's window and now. */
export function checkedQuery(asked: GetStatsRequest, app: App, nowMs: number, retentionDays: number): StatsQuery {
  const zone = dayOfZone(app.timezone);
  const { grain } = asked;
  const current = currentBucket(zone, grain, nowMs);
  let { from, to } = asked.start === undefined && asked.end === undefined ? defaultRange(zone, grain, nowMs) : { from: asked.start, to: asked.end ?? current };
  from ??= grain === 'day' ? addDays(to, -29) : hourBefore(to, 23);
  const today = zone.day(nowMs);
  const earliest = addDays(today, -retentionDays);
  if (to > current) throw new ApiError('INVALID_JSON', `End ${to} is after the current ${grain} (${current} in ${app.timezone})`);
  if (from > to) throw new ApiError('INVALID_JSON', `Start ${from} is after End ${to}`);
  if (from.slice(0, 8) < earliest) {
    if (asked.start === undefined) from = grain === 'day' ? earliest : `${earliest}00`;
    else throw new ApiError('INVALID_JSON', `Start ${from} is outside the ${retentionDays}-day retention window (earliest ${earliest})`);
  }
  // Calendar buckets (a DST day has ±1 hour): the exact count, × dimension values, is checked on the rows.
  const buckets = Math.round((calendarMs(to) - calendarMs(from)) / (grain === 'day' ? 86_400_000 : 3_600_000)) + 1;
  if (buckets > MAX_STATS_ROWS) throw new ApiError('INVALID_JSON', `Start…End spans ${buckets} ${grain}s, more than ${MAX_STATS_ROWS} buckets`);
  return { grain, from, to, by: asked.by, fields: asked.fields };
}

/** A day or hour label read as a UTC calendar instant (for counting, not for zones). */
function calendarMs(label: string): number {
  return Date.UTC(Number(label.slice(0, 4)), Number(label.slice(4, 6)) - 1, Number(label.slice(6, 8)), Number(label.slice(8, 10) || '0'));
}

/** The label `n` wall-clock hours before `hour` by the calendar (a bound, not a bucket). */
function hourBefore(hour: string, n: number): string {
  const ms = calendarMs(hour) - n * 3_600_000;
  const d = new Date(ms);
  const pad = (x: number) => String(x).padStart(2, '0');
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}`;
}
