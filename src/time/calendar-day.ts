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

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const twoDigits = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * Days from `from` to `to` inclusive, oldest first. Counted on the calendar (day, month, year
 * carried by hand) rather than through addDays and a Date per day: a getappinfo answer lists 30.
 */
export function dayRange(from: CalendarDay, to: CalendarDay): CalendarDay[] {
  const out: CalendarDay[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(4, 6));
  let d = Number(from.slice(6, 8));
  for (let day = from; day <= to; day = `${y}${twoDigits(m)}${twoDigits(d)}`) {
    out.push(day);
    if (++d > (m === 2 && isLeapYear(y) ? 29 : MONTH_DAYS[m - 1]!)) {
      d = 1;
      if (++m > 12) {
        m = 1;
        y++;
      }
    }
  }
  return out;
}
