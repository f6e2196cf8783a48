import { addDays, type CalendarDay } from '../time/calendar-day.js';
import { dayOfZone } from '../time/day-of.js';

/** Every UTC offset in use is a multiple of 15 minutes, so local midnights fall on these slots. */
const SLOT_MS = 15 * 60_000;
const DAY_MS = 86_400_000;
/** Offsets span UTC−12 … UTC+14; a local midnight lies within this of the UTC one. */
const SEARCH_SLOTS = (15 * 3_600_000) / SLOT_MS;
const MAX_CACHED = 4096;

/**
 * The first instant (Unix ms) of `day` in `timeZone`: local midnight, or the first instant after
 * it when a DST change skips midnight. Found by bisection over 15-minute slots with the shared
 * DayOf, so it agrees with how the pipeline assigns events to days.
 */
export function zoneMidnight(day: CalendarDay, timeZone: string): number {
  const dayOf = dayOfZone(timeZone);
  const utc = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(4, 6)) - 1, Number(day.slice(6, 8)));
  let lo = Math.floor(utc / SLOT_MS) - SEARCH_SLOTS; // day(lo) < day
  let hi = Math.floor(utc / SLOT_MS) + SEARCH_SLOTS; // day(hi) >= day
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (dayOf.day(mid * SLOT_MS) >= day) hi = mid;
    else lo = mid;
  }
  return hi * SLOT_MS;
}

/**
 * Days numbered from `start` (day 0) in one time zone: the bounds of day k in Unix ms and the
 * day index of an instant. Day lengths follow the zone (23 or 25 hours across DST changes).
 * Keeps a bounded cache, so memory does not grow with the number of days.
 */
export class ZoneDays {
  readonly #cache = new Map<number, number>();
  readonly #origin: number;

  constructor(
    readonly start: CalendarDay,
    readonly timeZone: string,
  ) {
    this.#origin = this.midnight(0);
  }

  /** The calendar day with index k. */
  day(k: number): CalendarDay {
    return addDays(this.start, k);
  }

  /** The first instant of day k. */
  midnight(k: number): number {
    let ms = this.#cache.get(k);
    if (ms === undefined) {
      ms = zoneMidnight(this.day(k), this.timeZone);
      if (this.#cache.size >= MAX_CACHED) this.#cache.clear();
      this.#cache.set(k, ms);
    }
    return ms;
  }

  /** The index of the day containing instant `ms`. */
  indexOf(ms: number): number {
    let k = Math.floor((ms - this.#origin) / DAY_MS);
    while (this.midnight(k) > ms) k--;
    while (this.midnight(k + 1) <= ms) k++;
    return k;
  }
}
