import { compileConcat } from '../catalog/compile-record.js';
import { DERIVED_SUMS, FIELDS, NET_FIELDS, isDerivedSum, type NetField } from '../catalog/fields.js';
import type { App } from '../store/apps-repo.js';
import { READ_COUNTED, type StatsRepo } from '../store/stats-repo.js';
import { StoreError, toNumber } from '../store/store-error.js';
import { dayRange, type CalendarDay } from '../time/calendar-day.js';
import { dayOfZone } from '../time/day-of.js';
import type { DayRange } from './daily-report.js';

/** The app's fields of a day, each as its JSON key and string value (`,"AppName":"…"`). */
interface AppJson {
  readonly AppId: string;
  readonly AppName: string;
  readonly Company: string;
  /** Every character is ASCII: the UTF-8 of an answer is then its Latin-1, a plain copy. */
  readonly ascii: boolean;
}

/** Writes one day: its stored values (READ_COUNTED order), the app's fields, the day and the net fields' running totals. */
type DayWriter = (parts: readonly string[], app: AppJson, day: CalendarDay, net: readonly number[]) => string;

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const WIRE_ORDER = FIELDS.map((f) => f.name).sort(byteOrder);
const readIndex = (field: string) => (READ_COUNTED as readonly string[]).indexOf(field);
/** A field's key as written in a day, with the separator before it (the first opens the object). */
const keyJson = (name: string) => `${name === WIRE_ORDER[0] ? '{' : ','}"${name}":`;

/**
 * Compiled once: a day of the getappinfo answer as the JSON the response schema's serializer
 * (fast-json-stringify) writes for dailyReport's DayReport — keys in byte-wise order, every value
 * a string — in one concatenation, straight from the database's text of the row (COUNTED_TEXT).
 * Going through DayReport costs a number, a String() and an escaping check per value, then a
 * flattening copy of the serializer's many-piece string and a UTF-8 encoding: profiling put that
 * near half the JavaScript CPU of an uncached answer. Hand-written because no serializer takes
 * row texts; the test compares its bytes with the serializer's for the same days. A stored value
 * is copied as the database wrote it (checked to be a plain integer, see plainIntegers), a
 * derived sum adds its parts, a net field is its running total, a number is written as String().
 */
const writeDay: DayWriter = (() => {
  const kind = new Map<string, string>(FIELDS.map((f) => [f.name, f.kind]));
  const code = WIRE_ORDER.map((name) => {
    if (!/^[A-Za-z_]\w*$/.test(name)) throw new Error(`field name ${name} is not an identifier`);
    if (kind.get(name) === 'app') return `app.${name}`;
    const key = `'${keyJson(name)}"'`;
    if (kind.get(name) === 'key') return `${key} + day + '"'`;
    if (kind.get(name) === 'net') return `${key} + net[${(NET_FIELDS as readonly string[]).indexOf(name)}] + '"'`;
    if (isDerivedSum(name)) return `${key} + (+parts[${readIndex(DERIVED_SUMS[name][0])}] + +parts[${readIndex(DERIVED_SUMS[name][1])}]) + '"'`;
    return `${key} + parts[${readIndex(name)}] + '"'`;
  });
  return compileConcat<DayWriter>(['parts', 'app', 'day', 'net'], [...code, `'}'`]);
})();

/**
 * READ_COUNTED.length comma-separated integers of at most 15 digits: each part is then exactly
 * what String(Number(part)) writes. Anything else (a REAL such as `5.0`, a value past 2^53,
 * garbage) goes through toNumber, as dailyReport does.
 */
const PLAIN_INTEGERS = new RegExp(`^-?\\d{1,15}(?:,-?\\d{1,15}){${READ_COUNTED.length - 1}}$`);
const ZERO_PARTS: readonly string[] = READ_COUNTED.map(() => '0');
const NET_INDEX = NET_FIELDS.map(readIndex);

/** The values of a row's text, each as String(toNumber(value)) writes it. */
function partsOf(text: string): readonly string[] {
  const parts = text.split(',');
  if (PLAIN_INTEGERS.test(text)) return parts;
  if (parts.length !== READ_COUNTED.length) throw new StoreError('decode', `a stats row holds ${parts.length} values, not ${READ_COUNTED.length}`);
  return parts.map((p, i) => String(toNumber(p, READ_COUNTED[i]!)));
}

// eslint-disable-next-line no-control-regex -- the whole ASCII range, control characters included
const ASCII = /^[\x00-\x7f]*$/;
const appJson = new WeakMap<App, AppJson>();

/** The app's fields as JSON, made once per app object (a renamed app is a new object). */
function appJsonOf(app: App): AppJson {
  let json = appJson.get(app);
  if (json === undefined) {
    // JSON.stringify escapes as fast-json-stringify does (which falls back to it for anything unusual).
    const field = (name: string, value: string) => `${keyJson(name)}${JSON.stringify(value)}`;
    const AppName = field('AppName', app.name);
    const Company = field('Company', app.company);
    json = { AppId: field('AppId', String(app.sdkappid)), AppName, Company, ascii: ASCII.test(AppName + Company) };
    appJson.set(app, json);
  }
  return json;
}

/** The JSON around the answer's array of days: an envelope's text before and after it. */
export interface JsonAround {
  readonly open: string;
  readonly close: string;
}

/**
 * dailyReport(stats, app, range) as the JSON array the response schema serializes it to, between
 * `around.open` and `around.close`: the same days, newest first, the same bytes (see writeDay),
 * as UTF-8 ready to send.
 */
export async function dailyReportJson(stats: StatsRepo, app: App, range: DayRange, around: JsonAround): Promise<Buffer> {
  const stored = await stats.readRangeText({ sdkappid: app.sdkappid, grain: 'day', dim: '' }, range.from, range.to);
  const created = dayOfZone(app.timezone).day(app.createdAt);
  const firstDay = stored.firstBucket !== undefined && stored.firstBucket < created ? stored.firstBucket : created;
  const texts = new Map<string, string>();
  for (const row of stored.rows) texts.set(row.bucket, row.counted);
  const baseline: Record<NetField, number> = { RegistUserNumTotal: app.registeredBaseline, GroupAllGroupNum: app.groupBaseline };
  // The net fields' running totals (NET_FIELDS order): a day shows the total at its end.
  const net = NET_FIELDS.map((f) => baseline[f] + stored.netBefore[f]);
  const appFields = appJsonOf(app);
  const days: string[] = [];
  for (const day of dayRange(range.from > firstDay ? range.from : firstDay, range.to)) {
    const text = texts.get(day);
    const parts = text === undefined ? ZERO_PARTS : partsOf(text);
    for (let i = 0; i < net.length; i++) net[i]! += +parts[NET_INDEX[i]!]!;
    days.push(writeDay(parts, appFields, day, net));
  }
  // Newest first, in one string copied once.
  let json = `${around.open}[`;
  for (let i = days.length - 1; i >= 0; i--) json += i === days.length - 1 ? days[i] : `,${days[i]}`;
  json += `]${around.close}`;
  return Buffer.from(json, appFields.ascii && ASCII.test(around.open + around.close) ? 'latin1' : 'utf8');
}
