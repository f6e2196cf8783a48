import { NET_FIELDS, zeroCounters, type Counters, type FieldName } from '../catalog/fields.js';
import type { App } from '../store/apps-repo.js';
import type { StatsRepo } from '../store/stats-repo.js';
import { addDays, dayRange, type CalendarDay } from '../time/calendar-day.js';
import { dayOfZone } from '../time/day-of.js';
import { compileCountedRecord } from '../catalog/compile-record.js';

/** Complete days in the default answer (Tencent: "the last 30 days"). */
export const DEFAULT_WINDOW_DAYS = 30;

/** One day of the answer: every field, every value a string (the wire format). */
export type DayReport = Record<FieldName, string>;

export interface DayRange {
  readonly from: CalendarDay;
  readonly to: CalendarDay;
}

/** Today in the app's time zone. */
export function appToday(app: App, nowMs: number): CalendarDay {
  return dayOfZone(app.timezone).day(nowMs);
}

/** The default window: the 30 complete days before today (yesterday … 30 days ago). */
export function defaultWindow(app: App, nowMs: number): DayRange {
  const today = appToday(app, nowMs);
  return { from: addDays(today, -DEFAULT_WINDOW_DAYS), to: addDays(today, -1) };
}

/**
 * The days of `range` for `app`, newest first: zero-filled, days before the app's first day
 * (its creation or its earliest data, whichever is earlier) left out, net fields as running
 * totals including the app's baselines.
 */
export async function dailyReport(stats: StatsRepo, app: App, range: DayRange): Promise<DayReport[]> {
  const stored = await stats.readRange({ sdkappid: app.sdkappid, grain: 'day', dim: '' }, range.from, range.to);
  const created = dayOfZone(app.timezone).day(app.createdAt);
  const firstDay = stored.firstBucket !== undefined && stored.firstBucket < created ? stored.firstBucket : created;
  const running = {
    RegistUserNumTotal: app.registeredBaseline + stored.netBefore.RegistUserNumTotal,
    GroupAllGroupNum: app.groupBaseline + stored.netBefore.GroupAllGroupNum,
  };
  const days: DayReport[] = [];
  for (const day of dayRange(range.from > firstDay ? range.from : firstDay, range.to)) {
    const counters: Counters = stored.buckets.get(day) ?? zeroCounters();
    for (const f of NET_FIELDS) {
      running[f] += counters[f];
      counters[f] = running[f];
    }
    days.push(toDayReport(app, day, counters));
  }
  return days.reverse();
}

/** One day of the answer as one object literal (see compileCountedRecord). */
export const toDayReport = compileCountedRecord<(app: App, day: CalendarDay, counters: Counters) => DayReport>(
  ['app', 'day', 'counters'],
  (f) => `String(counters.${f})`,
  { AppId: 'String(app.sdkappid)', AppName: 'app.name', Company: 'app.company', Date: 'day' },
);
