import { isStatsField, STATS_FIELD_NAMES, statsFieldKind, statsFieldsFor, type StatsBy, type StatsField, type StatsGrain } from '../../catalog/fields.js';
import { isCalendarDay } from '../../time/calendar-day.js';
import { ApiError } from '../error-codes.js';
import { utf8Text } from '../raw-body.js';
import { describeValue } from './describe-value.js';

/** What a getstats body asks for, before the checks that need the app (window, now). */
export interface GetStatsRequest {
  readonly grain: StatsGrain;
  readonly start: string | undefined;
  readonly end: string | undefined;
  readonly by: StatsBy | undefined;
  /** Sorted and unique; every field the combination offers when none were named. */
  readonly fields: readonly StatsField[];
}

const KEYS = ['By', 'End', 'Fields', 'Grain', 'Start'];
const lowerCaseNames = new Map(STATS_FIELD_NAMES.map((n) => [n.toLowerCase(), n]));

function invalid(detail: string): ApiError {
  return new ApiError('INVALID_JSON', detail);
}

/** True for `YYYYMMDDHH` with a real date and an hour 00–23. */
export function isHourLabel(text: string): boolean {
  return /^\d{10}$/.test(text) && isCalendarDay(text.slice(0, 8)) && Number(text.slice(8)) < 24;
}

function bucket(name: string, value: unknown, grain: StatsGrain): string | undefined {
  if (value === undefined || value === null) return undefined;
  const ok = typeof value === 'string' && (grain === 'day' ? isCalendarDay(value) : isHourLabel(value));
  if (!ok) throw invalid(`${name} must be ${grain === 'day' ? 'a day written "YYYYMMDD"' : 'an hour written "YYYYMMDDHH"'} for Grain "${grain}", got ${describeValue(value)}`);
  return value;
}

/**
 * Parses a getstats body (stats-api.md). Empty, `{}` and `null` ask for the defaults; anything
 * else wrong (unknown key, bad value, bad bucket, reversed range, unknown or unoffered field) is
 * a 130001 naming it. Checks needing the app (window, now, bucket count) are the route's.
 */
export function parseGetStatsRequest(raw: Buffer): GetStatsRequest {
  const text = utf8Text(raw);
  let body: unknown = null;
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw invalid(`request body is not valid JSON (${(err as Error).message})`);
    }
  }
  if (body === null) body = {};
  if (typeof body !== 'object' || Array.isArray(body)) throw invalid(`request body must be a JSON object, got ${describeValue(body)}`);
  const obj = body as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!KEYS.includes(key)) throw invalid(`unknown key ${JSON.stringify(key.slice(0, 64))} (getstats takes ${KEYS.join(', ')})`);
  }
  const grain = obj.Grain === undefined || obj.Grain === null ? 'day' : obj.Grain;
  if (grain !== 'day' && grain !== 'hour') throw invalid(`Grain must be "day" or "hour", got ${describeValue(obj.Grain)}`);
  const by = obj.By === undefined || obj.By === null ? undefined : obj.By;
  if (by !== undefined && by !== 'platform' && by !== 'vendor') throw invalid(`By must be "platform", "vendor" or null, got ${describeValue(obj.By)}`);
  const start = bucket('Start', obj.Start, grain);
  const end = bucket('End', obj.End, grain);
  if (start !== undefined && end !== undefined && start > end) throw invalid(`Start ${start} is after End ${end}`);
  return { grain, start, end, by, fields: fields(obj.Fields, grain, by) };
}

function fields(value: unknown, grain: StatsGrain, by: StatsBy | undefined): readonly StatsField[] {
  const offered = statsFieldsFor(grain, by);
  if (value === undefined || value === null) return offered;
  if (!Array.isArray(value)) throw invalid(`Fields must be an array of field names, got ${describeValue(value)}`);
  if (value.length === 0) return offered;
  const wanted = new Set<StatsField>();
  for (const [i, name] of value.entries()) {
    if (typeof name !== 'string') throw invalid(`Fields[${i}] must be a string field name, got ${describeValue(name)}`);
    if (!isStatsField(name)) {
      const near = lowerCaseNames.get(name.toLowerCase());
      throw invalid(`unknown field ${JSON.stringify(name.slice(0, 64))} in Fields${near ? ` (did you mean "${near}"?)` : ''}`);
    }
    if (!offered.includes(name)) throw invalid(`field ${name} is not offered ${whyNot(name, grain, by)}`);
    wanted.add(name);
  }
  return offered.filter((f) => wanted.has(f));
}

function whyNot(name: StatsField, grain: StatsGrain, by: StatsBy | undefined): string {
  if (by === 'platform') return 'with By "platform" (a platform breakdown attributes logins, presence and sent messages only)';
  if (by === 'vendor') return 'with By "vendor" (a vendor breakdown has PushNum, C2CPushNum and GroupPushNum only)';
  const kind = statsFieldKind(name);
  return `with Grain "${grain}" (${kind === 'reach' ? 'WAU/MAU' : 'retention'} is a day value)`;
}
