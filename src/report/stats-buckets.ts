import { addDays, dayRange, type CalendarDay } from '../time/calendar-day.js';
import type { DayOf } from '../time/day-of.js';

const HOUR_MS = 3_600_000;
/** Widest UTC offsets in use: a zone's day lies within [UTC day − 14 h, UTC day + 24 h + 12 h]. */
const MAX_EAST_MS = 14 * HOUR_MS;
const MAX_WEST_MS = 12 * HOUR_MS;

function utcMidnight(day: CalendarDay): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(4, 6)) - 1, Number(day.slice(6, 8)));
}

/**
 * The hour labels of the zone from `from` to `to` (both `YYYYMMDDHH`, inclusive), oldest first:
 * a label the zone skips (spring forward) is absent, a repeated one (fall back) appears once.
 */
export function hourLabels(zone: DayOf, from: string, to: string): string[] {
  const start = utcMidnight(from.slice(0, 8)) - MAX_EAST_MS;
  const end = utcMidnight(addDays(to.slice(0, 8), 1)) + MAX_WEST_MS;
  const labels = [zone.hour(start), ...zone.hoursAfter(start, end)];
  return labels.filter((h) => h >= from && h <= to);
}

/** The buckets of a range, oldest first. */
export function bucketLabels(zone: DayOf, grain: 'day' | 'hour', from: string, to: string): string[] {
  return grain === 'day' ? dayRange(from, to) : hourLabels(zone, from, to);
}

/** The bucket in progress at `nowMs`. */
export function currentBucket(zone: DayOf, grain: 'day' | 'hour', nowMs: number): string {
  return grain === 'day' ? zone.day(nowMs) : zone.hour(nowMs);
}

/** The default range: the 30 days ending today, or the 24 hours ending with the current hour. */
export function defaultRange(zone: DayOf, grain: 'day' | 'hour', nowMs: number): { from: string; to: string } {
  if (grain === 'day') {
    const today = zone.day(nowMs);
    return { from: addDays(today, -29), to: today };
  }
  const hours = zone.hoursAfter(nowMs - 30 * HOUR_MS, nowMs).slice(-24);
  return { from: hours[0]!, to: hours[hours.length - 1]! };
}

/** Minutes after a bucket's end before it is Final (stats-api.md). */
export const SETTLE_MS = 10 * 60_000;

/**
 * True once `bucket` ended more than 10 minutes before `nowMs`: labels grow with time, so that is
 * "the bucket of 10 minutes ago is a later one".
 */
export function isFinal(zone: DayOf, grain: 'day' | 'hour', bucket: string, nowMs: number): boolean {
  return currentBucket(zone, grain, nowMs - SETTLE_MS) > bucket;
}
