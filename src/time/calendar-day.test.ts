import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addDays, dayRange, daysBetween, isCalendarDay } from './calendar-day.js';

/** The reference: each day from Date.UTC, written by hand (independent of the module's arithmetic). */
function utcDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

test('dayRange lists every calendar day from one to the other: month ends, leap days, year ends', () => {
  const DAY_MS = 86_400_000;
  // Starts on every day of 1999…2025 (1900, 2000 and 2100 rules: 2000 a leap year), lengths 0…70.
  for (let start = Date.UTC(1999, 0, 1), i = 0; start < Date.UTC(2026, 0, 1); start += DAY_MS * 13, i++) {
    const length = (i * 7) % 71;
    const want = Array.from({ length: length + 1 }, (_, k) => utcDay(start + k * DAY_MS));
    const got = dayRange(want[0]!, want[length]!);
    assert.deepEqual(got, want);
    assert.ok(got.every(isCalendarDay));
    assert.equal(daysBetween(got[0]!, got[got.length - 1]!), length);
  }
  assert.deepEqual(dayRange('21000227', '21000301'), ['21000227', '21000228', '21000301']);
  assert.deepEqual(dayRange('20240228', '20240301'), ['20240228', '20240229', '20240301']);
  assert.deepEqual(dayRange('20241231', '20250101'), ['20241231', '20250101']);
  assert.deepEqual(dayRange('20240105', '20240104'), []);
  assert.equal(addDays('20240229', 1), '20240301');
});
