import { InvalidArgumentError } from 'commander';
import { isCalendarDay, type CalendarDay } from '../time/calendar-day.js';

/** Commander argument parsers: each refuses a bad value with a message naming what is expected. */

/** A positive safe integer (SDKAppID, counts). */
export function positiveInt(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

/** A whole number ≥ 0 (baselines). */
export function wholeNumber(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected a whole number ≥ 0, got ${JSON.stringify(value)}`);
  return n;
}

/** Any safe integer (seeds). */
export function integer(value: string): number {
  const n = /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected an integer, got ${JSON.stringify(value)}`);
  return n;
}

/** A TCP port, 0 (any free port) to 65535. */
export function port(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n > 65535) throw new InvalidArgumentError(`expected a port number from 0 to 65535, got ${JSON.stringify(value)}`);
  return n;
}

/** A real date written YYYYMMDD. */
export function calendarDay(value: string): CalendarDay {
  if (!isCalendarDay(value)) throw new InvalidArgumentError(`expected a date written YYYYMMDD, got ${JSON.stringify(value)}`);
  return value;
}

/** Collects a repeatable option (`--admin a --admin b`). */
export function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
