import { LRUCache } from 'lru-cache';
import type { CalendarDay } from './calendar-day.js';

/** Every UTC offset in use is a multiple of 15 minutes, so a day is constant within a slot. */
const SLOT_MS = 15 * 60_000;
const MAX_CACHED_SLOTS = 100_000;

/** Throws a RangeError naming the zone when it is not an IANA time zone this runtime knows. */
export function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new RangeError(`unknown time zone "${timeZone}" (use an IANA name such as Asia/Shanghai)`);
  }
}

/**
 * Maps instants to calendar days in one time zone. Intl formatting is slow (microseconds), and
 * ingestion asks for the day of every event, so results are cached per 15-minute slot.
 */
export class DayOf {
  readonly #format: Intl.DateTimeFormat;
  readonly #slots = new LRUCache<number, CalendarDay>({ max: MAX_CACHED_SLOTS });
  readonly #hourFormat: Intl.DateTimeFormat;
  readonly #hourSlots = new LRUCache<number, string>({ max: MAX_CACHED_SLOTS });
  // Events come mostly in time order: the last slot asked answers most calls without a lookup.
  #lastDaySlot = NaN;
  #lastDay = '';
  #lastHourSlot = NaN;
  #lastHour = '';

  constructor(readonly timeZone: string) {
    assertTimeZone(timeZone);
    this.#format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    this.#hourFormat = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });
  }

  /**
   * The hour labels that begin after `fromMs` up to and including the one of `toMs`, oldest
   * first (a repeated hour's second half begins no new label; a skipped one has none).
   */
  hoursAfter(fromMs: number, toMs: number): string[] {
    const out: string[] = [];
    let last = this.hour(fromMs);
    for (let slot = Math.floor(fromMs / SLOT_MS) + 1; slot <= Math.floor(toMs / SLOT_MS); slot++) {
      const label = this.hour(slot * SLOT_MS);
      if (label > last) out.push((last = label));
    }
    return out;
  }

  /**
   * The `YYYYMMDDHH` wall-clock hour of Unix time `ms` in this zone (stats-api.md: a skipped hour
   * has no label, a repeated one shares its label).
   */
  hour(ms: number): string {
    const slot = Math.floor(ms / SLOT_MS);
    if (slot === this.#lastHourSlot) return this.#lastHour;
    let hour = this.#hourSlots.get(slot);
    if (hour === undefined) {
      const parts = this.#hourFormat.formatToParts(slot * SLOT_MS);
      const part = (type: string) => parts.find((p) => p.type === type)!.value;
      hour = `${part('year')}${part('month')}${part('day')}${part('hour')}`;
      this.#hourSlots.set(slot, hour);
    }
    this.#lastHourSlot = slot;
    return (this.#lastHour = hour);
  }

  /** The `YYYYMMDD` day of Unix time `ms` in this zone. */
  day(ms: number): CalendarDay {
    const slot = Math.floor(ms / SLOT_MS);
    if (slot === this.#lastDaySlot) return this.#lastDay;
    let day = this.#slots.get(slot);
    if (day === undefined) {
      day = this.#format.format(slot * SLOT_MS).replaceAll('-', '');
      this.#slots.set(slot, day);
    }
    this.#lastDaySlot = slot;
    return (this.#lastDay = day);
  }
}

const zones = new Map<string, DayOf>();

/** A shared DayOf for the zone (zones are few; each keeps its own cache). */
export function dayOfZone(timeZone: string): DayOf {
  let z = zones.get(timeZone);
  if (!z) {
    z = new DayOf(timeZone);
    zones.set(timeZone, z);
  }
  return z;
}
