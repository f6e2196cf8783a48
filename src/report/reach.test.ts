import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeIdSet } from '../aggregate/id-set.js';
import { addDays, dayRange } from '../time/calendar-day.js';
import { dayBitmaps, reach } from './stats-report.js';

// Day sets of up to 40,000 ids (several of reach's word chunks), sparse and dense, some days missing.
const daySet = fc.option(
  fc.tuple(fc.integer({ min: 1, max: 40_000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer()).map(([span, density, seed]) => {
    let x = seed | 1;
    const ids: number[] = [];
    for (let id = 0; id < span; id++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      if ((x >>> 0) / 2 ** 32 < density * density) ids.push(id);
    }
    return ids;
  }),
  { freq: 5 },
);

test('reach: distinct ids over the 7 and 30 days ending each day equal the unions of the day sets', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 12 }), fc.array(daySet, { minLength: 41, maxLength: 41 }), (shown, sets) => {
      const first = '20240301';
      const days = dayRange(first, addDays(first, shown - 1));
      const all = dayRange(addDays(first, -29), days[days.length - 1]!);
      const stored = new Map<string, Uint8Array>();
      all.forEach((d, i) => {
        const ids = sets[i];
        if (ids) stored.set(d, encodeIdSet(Uint32Array.from(ids)));
      });
      const got = reach(days, dayBitmaps(stored));
      days.forEach((d) => {
        const i = all.indexOf(d);
        const union = (n: number) => new Set(all.slice(i - n + 1, i + 1).flatMap((_, k) => sets[i - n + 1 + k] ?? [])).size;
        assert.deepEqual(got.get(d), { d7: union(7), d30: union(30) }, d);
      });
    }),
    { numRuns: 40 },
  );
});
