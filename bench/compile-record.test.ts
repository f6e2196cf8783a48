// The compiled record builders (compileCountedRecord, kept because compile-record-bench.ts shows
// them several times faster) build exactly what the plain loops build: same keys, same order,
// same values, for any stored row.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { COUNTED_FIELDS } from '../src/catalog/fields.js';
import { toDayReport } from '../src/report/daily-report.js';
import { countersOfText } from '../src/store/stats-repo.js';
import { toNumber } from '../src/store/store-error.js';
import { plainCountersOf, plainDayReport, SAMPLE_APP, sampleRows, valuesOf } from './compile-record-bench.js';

const same = (a: object, b: object) => {
  assert.deepEqual(Object.keys(a), Object.keys(b));
  assert.deepEqual(a, b);
};

test('compiled and plain builders agree on the bench rows', () => {
  for (const row of sampleRows()) {
    const counters = countersOfText(valuesOf(row), toNumber);
    same(counters, plainCountersOf(valuesOf(row), toNumber));
    same(toDayReport(SAMPLE_APP, row.bucket as string, counters), plainDayReport(SAMPLE_APP, row.bucket as string, counters));
  }
});

test('compiled and plain builders agree on any row of integers as drivers return them', () => {
  const value = fc.oneof(fc.maxSafeNat(), fc.maxSafeNat().map(String), fc.bigInt({ min: 0n, max: 2n ** 53n - 1n }));
  const row = fc.record(Object.fromEntries(COUNTED_FIELDS.map((f) => [f, value])) as Record<string, fc.Arbitrary<unknown>>);
  const app = fc.record({ sdkappid: fc.integer({ min: 1, max: 2 ** 32 }), name: fc.string(), company: fc.string() });
  fc.assert(
    fc.property(row, app, fc.string(), (r, a, day) => {
      const counters = countersOfText(valuesOf(r), toNumber);
      same(counters, plainCountersOf(valuesOf(r), toNumber));
      const full = { ...SAMPLE_APP, ...a };
      same(toDayReport(full, day, counters), plainDayReport(full, day, counters));
    }),
  );
});

test('a value that is not an integer fails the same way in both', () => {
  const row = { ...sampleRows()[0], LoginTimes: 'x' };
  assert.throws(() => countersOfText(valuesOf(row), toNumber), /LoginTimes/);
  assert.throws(() => plainCountersOf(valuesOf(row), toNumber), /LoginTimes/);
});
