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
  readonly #slots = new Map<number, CalendarDay>();

  constructor(readonly timeZone: string) {
    assertTimeZone(timeZone);
    this.#format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  }

  /** The `YYYYMMDD` day of Unix time `ms` in this zone. */
  day(ms: number): CalendarDay {
    const slot = Math.floor(ms / SLOT_MS);
    let day = this.#slots.get(slot);
    if (day === undefined) {
      day = this.#format.format(slot * SLOT_MS).replaceAll('-', '');
      if (this.#slots.size >= MAX_CACHED_SLOTS) this.#slots.clear();
      this.#slots.set(slot, day);
    }
    return day;
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
