/**
 * Calendar days as `YYYYMMDD` strings. Day arithmetic is done on the calendar (UTC dates), so it
 * is independent of any time zone; `day-of.ts` maps instants to days in a zone.
 */
export type CalendarDay = string;

const DAY_MS = 86_400_000;
const PATTERN = /^(\d{4})(\d{2})(\d{2})$/;

/** True for a real date written YYYYMMDD (20240230 is not one). */
export function isCalendarDay(text: string): text is CalendarDay {
  const m = PATTERN.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

function toUtcMs(day: CalendarDay): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(4, 6)) - 1, Number(day.slice(6, 8)));
}

function fromUtcMs(ms: number): CalendarDay {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** The day `n` days after `day` (n may be negative). */
export function addDays(day: CalendarDay, n: number): CalendarDay {
  return fromUtcMs(toUtcMs(day) + n * DAY_MS);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CalendarDay, to: CalendarDay): number {
  return Math.round((toUtcMs(to) - toUtcMs(from)) / DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: CalendarDay): number {
  return new Date(toUtcMs(day)).getUTCDay();
}

/** Days from `from` to `to` inclusive, oldest first. */
export function dayRange(from: CalendarDay, to: CalendarDay): CalendarDay[] {
  const out: CalendarDay[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}
