import { FIELD_NAMES, isFieldName, type FieldName } from '../../catalog/fields.js';
import { isCalendarDay, type CalendarDay } from '../../time/calendar-day.js';
import { ApiError } from '../error-codes.js';
import { utf8Text } from '../raw-body.js';
import { describeValue } from './describe-value.js';

/** What a getappinfo body asks for. */
export interface GetAppInfoRequest {
  /** The fields to return (Date included), sorted and unique; undefined means all 32. */
  readonly fields: readonly FieldName[] | undefined;
  /** Our extension: an explicit inclusive range of days in the app's time zone. */
  readonly range: { readonly from: CalendarDay; readonly to: CalendarDay } | undefined;
}

const lowerCaseNames = new Map(FIELD_NAMES.map((n) => [n.toLowerCase(), n]));

function invalid(detail: string): ApiError {
  return new ApiError('INVALID_JSON', detail);
}

/**
 * Parses a getappinfo body, whatever its Content-Type. Empty, `{}`, `[]`, `null`,
 * `{"RequestField":[]}`, `{"RequestField":null}` and unknown keys all mean every field; anything
 * that is not valid UTF-8 JSON of that shape is a 130001 naming the problem. Date checks that need
 * the app (retention, today) are left to the route.
 */
export function parseGetAppInfoRequest(raw: Buffer): GetAppInfoRequest {
  const text = utf8Text(raw);
  if (text.trim() === '') return { fields: undefined, range: undefined };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw invalid(`request body is not valid JSON (${(err as Error).message})`);
  }
  if (body === null) return { fields: undefined, range: undefined };
  if (Array.isArray(body)) {
    // PHP encodes an empty associative array as `[]`; a non-empty list is a real mistake.
    if (body.length === 0) return { fields: undefined, range: undefined };
    throw invalid('request body must be a JSON object, got a non-empty array');
  }
  if (typeof body !== 'object') throw invalid(`request body must be a JSON object, got ${typeof body}`);
  const obj = body as Record<string, unknown>;
  return { fields: requestFields(obj.RequestField), range: dateRange(obj.StartDate, obj.EndDate) };
}

function requestFields(value: unknown): readonly FieldName[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalid(`RequestField must be an array of field names, got ${describeValue(value)}`);
  if (value.length === 0) return undefined;
  const fields = new Set<FieldName>(['Date']);
  for (const [i, name] of value.entries()) {
    if (typeof name !== 'string') throw invalid(`RequestField[${i}] must be a string field name, got ${describeValue(name)}`);
    if (!isFieldName(name)) {
      const near = lowerCaseNames.get(name.toLowerCase());
      throw invalid(`unknown field ${JSON.stringify(name.slice(0, 64))} in RequestField${near ? ` (did you mean "${near}"?)` : ''}`);
    }
    fields.add(name);
  }
  return FIELD_NAMES.filter((f) => fields.has(f));
}

function dateRange(start: unknown, end: unknown): GetAppInfoRequest['range'] {
  if (start === undefined && end === undefined) return undefined;
  if (start === undefined || end === undefined) throw invalid('StartDate and EndDate must be given together');
  const from = calendarDay('StartDate', start);
  const to = calendarDay('EndDate', end);
  if (from > to) throw invalid(`StartDate ${from} is after EndDate ${to}`);
  return { from, to };
}

function calendarDay(name: string, value: unknown): CalendarDay {
  if (typeof value !== 'string' || !isCalendarDay(value)) {
    throw invalid(`${name} must be a date written "YYYYMMDD", got ${describeValue(value)}`);
  }
  return value;
}

