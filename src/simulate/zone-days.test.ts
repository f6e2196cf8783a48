import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dayOfZone } from '../time/day-of.js';
import { ActivityCurve, WEEKDAY_HOURLY } from './activity-curve.js';
import { ZoneDays, zoneMidnight } from './zone-days.js';

test('midnight in Asia/Shanghai is 16:00 UTC the day before', () => {
  assert.equal(zoneMidnight('20240603', 'Asia/Shanghai'), Date.UTC(2024, 5, 2, 16));
  assert.equal(zoneMidnight('20240603', 'UTC'), Date.UTC(2024, 5, 3));
});

test('DST days in America/New_York last 23 and 25 hours', () => {
  const days = new ZoneDays('20240309', 'America/New_York');
  assert.equal(days.midnight(1) - days.midnight(0), 24 * 3_600_000);
  assert.equal(days.midnight(2) - days.midnight(1), 23 * 3_600_000); // 10 March 2024
  const fall = new ZoneDays('20241103', 'America/New_York');
  assert.equal(fall.midnight(1) - fall.midnight(0), 25 * 3_600_000);
});

test('indexOf agrees with the pipeline day of an instant, around every midnight', () => {
  for (const zone of ['Asia/Shanghai', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham']) {
    const days = new ZoneDays('20240301', zone);
    const dayOf = dayOfZone(zone);
    for (let k = -2; k < 250; k += 3) {
      const m = days.midnight(k);
      for (const ms of [m - 1, m, m + 1, m + 43_200_000]) assert.equal(days.day(days.indexOf(ms)), dayOf.day(ms), `${zone} ${ms}`);
    }
  }
});

test('the activity integral is monotone and inverse undoes it', () => {
  const days = new ZoneDays('20240301', 'America/New_York');
  const curve = new ActivityCurve(days, 1.2);
  let last = -Infinity;
  for (let ms = days.midnight(-1); ms < days.midnight(20); ms += 7 * 60_000 + 13) {
    const l = curve.at(ms);
    assert.ok(l >= last);
    last = l;
    assert.ok(Math.abs(curve.inverse(l) - ms) < 1, `inverse(at(${ms})) = ${curve.inverse(l)}`);
  }
  // Whole days: a weekday is worth 1, a weekend day 1.2 (20240302 is a Saturday).
  assert.ok(Math.abs(curve.dayStart(1) - curve.dayStart(0) - 1) < 1e-9);
  assert.ok(Math.abs(curve.dayStart(2) - curve.dayStart(1) - 1.2) < 1e-9);
  assert.ok(Math.abs(curve.dayStart(8) - curve.dayStart(1) - (5 + 2 * 1.2)) < 1e-9);
  assert.ok(Math.abs(curve.dayStart(-6) - (curve.dayStart(1) - (5 + 2 * 1.2))) < 1e-9);
});

test('nights are quiet and evenings busy', () => {
  const curve = new ActivityCurve(new ZoneDays('20240304', 'Asia/Shanghai'), 1.2);
  const night = curve.hourWeight(0, 4);
  const evening = curve.hourWeight(0, 21);
  assert.ok(evening > 10 * night, `evening ${evening}, night ${night}`);
  assert.equal(WEEKDAY_HOURLY.length, 24);
});
