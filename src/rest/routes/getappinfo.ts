import type { FastifyReply } from 'fastify';
import type { FieldName } from '../../catalog/fields.js';
import { appToday, dailyReport, defaultWindow, type DayRange, type DayReport } from '../../report/daily-report.js';
import { dailyReportJson } from '../../report/daily-report-json.js';
import type { App } from '../../store/apps-repo.js';
import { addDays } from '../../time/calendar-day.js';
import { answerKey } from '../answer-cache.js';
import { answerAtVersion } from '../answer-at-version.js';
import { callerOf, requireUserSig } from '../authenticate.js';
import { ApiError } from '../error-codes.js';
import { SUCCESS_ENVELOPE_JSON, successEnvelope } from '../envelope.js';
import { rawBodyOf } from '../raw-body.js';
import type { RestRoute } from './index.js';
import { parseGetAppInfoRequest, type GetAppInfoRequest } from './getappinfo-request.js';
import { GETAPPINFO_RESPONSE_SCHEMA } from './getappinfo-response-schema.js';

/**
 * `POST /v4/openconfigsvr/getappinfo`: the app's daily operations data, newest first — by default
 * the 30 complete days before today in the app's time zone, or StartDate…EndDate (our extension)
 * within the retention window, today included.
 */
export const getAppInfoRoute: RestRoute = async (fastify, ctx) => {
  fastify.post('/openconfigsvr/getappinfo', { preHandler: requireUserSig(ctx), schema: { response: GETAPPINFO_RESPONSE_SCHEMA }, config: { consoleToken: true } }, (request, reply) => {
    const { app } = callerOf(request);
    const asked = parseGetAppInfoRequest(rawBodyOf(request));
    const nowMs = ctx.nowMs();
    const range = asked.range ? checkedRange(asked.range, app, nowMs, ctx.retentionDays) : defaultWindow(app, nowMs);
    // The same question about unchanged data gets the same bytes (see AnswerCache).
    const key = answerKey(range, asked.fields);
    const fresh = ctx.answers.fresh(app, key, nowMs);
    // A fresh answer is sent synchronously: no promise on the hot path.
    if (fresh) {
      reply.send(fresh);
      return;
    }
    return answer(app, key, asked, range, nowMs, reply);
  });

  async function answer(app: App, key: string, asked: GetAppInfoRequest, range: DayRange, nowMs: number, reply: FastifyReply): Promise<FastifyReply> {
    const fields = asked.fields;
    // The full answer is written from the database's JSON texts of its rows: the same bytes as the schema's serializer, for less.
    const body = await answerAtVersion(ctx, app, key, nowMs, async () =>
      fields
        ? Buffer.from(reply.serialize(successEnvelope((await dailyReport(ctx.stats, app, range)).map((day) => pick(day, fields)))) as string)
        : await dailyReportJson(ctx.stats, app, range, SUCCESS_ENVELOPE_JSON),
    );
    return reply.send(body);
  }
};

function checkedRange(range: NonNullable<GetAppInfoRequest['range']>, app: App, nowMs: number, retentionDays: number): DayRange {
  const today = appToday(app, nowMs);
  const earliest = addDays(today, -retentionDays);
  if (range.to > today) {
    throw new ApiError('INVALID_JSON', `EndDate ${range.to} is after today (${today} in ${app.timezone})`);
  }
  if (range.from < earliest) {
    throw new ApiError('INVALID_JSON', `StartDate ${range.from} is outside the ${retentionDays}-day retention window (earliest ${earliest})`);
  }
  return range;
}

function pick(day: DayReport, fields: readonly FieldName[]): Partial<DayReport> {
  const out: Partial<DayReport> = {};
  for (const f of fields) out[f] = day[f];
  return out;
}
