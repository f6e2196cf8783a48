// `node dist/bench/compile-record-bench.js [rounds]`: is compileCountedRecord (records built by an
// object literal compiled with `new Function`) worth its strangeness? Times the two builders of a
// getappinfo answer (stored row → Counters, Counters → day report) against plain loops writing one
// property per field, on 30-row answers, and prints the median ns per record of each.
import { pathToFileURL } from 'node:url';
import { COUNTED_FIELDS, DERIVED_SUMS, isDerivedSum, type Counters } from '../src/catalog/fields.js';
import { toDayReport, type DayReport } from '../src/report/daily-report.js';
import { countersOfText, READ_COUNTED } from '../src/store/stats-repo.js';
import { toNumber } from '../src/store/store-error.js';
import type { App } from '../src/store/apps-repo.js';
import { median } from './latency-stats.js';

const READ_INDEX = new Map<string, number>(READ_COUNTED.map((f, i) => [f, i]));

/** The plain version of countersOfText (a row's read columns as one text, split): one keyed store per field. */
export function plainCountersOf(values: readonly string[], decode: typeof toNumber): Counters {
  const c = {} as Counters;
  const at = (f: string) => decode(values[READ_INDEX.get(f)!], f);
  for (const f of COUNTED_FIELDS) c[f] = isDerivedSum(f) ? DERIVED_SUMS[f].reduce((sum, part) => sum + at(part), 0) : at(f);
  return c;
}

/** A stored row's read columns as the text values countersOfText is given (concat_ws, split). */
export function valuesOf(row: Record<string, unknown>): string[] {
  return READ_COUNTED.map((f) => String(row[f]));
}

/** The plain version of toDayReport. */
export function plainDayReport(app: App, day: string, counters: Counters): DayReport {
  const r: Record<string, string> = { AppId: String(app.sdkappid), AppName: app.name, Company: app.company, Date: day };
  for (const f of COUNTED_FIELDS) r[f] = String(counters[f]);
  return r as DayReport;
}

/** 30 stored rows as a driver returns them (numbers, bigints and numeric strings mixed as drivers do). */
export function sampleRows(): Record<string, unknown>[] {
  return Array.from({ length: 30 }, (_, d) => {
    const row: Record<string, unknown> = { bucket: `202406${String(d + 1).padStart(2, '0')}` };
    COUNTED_FIELDS.forEach((f, i) => (row[f] = i % 3 === 0 ? String(d * 31 + i) : d * 31 + i));
    return row;
  });
}

export const SAMPLE_APP: App = {
  sdkappid: 1400000000, name: '示例应用', company: 'ACME', secretKey: 'k', timezone: 'Asia/Shanghai', enabled: true, createdAt: 0,
  callbackToken: null, registeredBaseline: 0, groupBaseline: 0, admins: ['administrator'],
};

function nsPerRecord(run: () => unknown, records: number, iterations: number): number {
  const start = process.hrtime.bigint();
  let sink: unknown;
  for (let i = 0; i < iterations; i++) sink = run();
  const ns = Number(process.hrtime.bigint() - start);
  if (sink === undefined) throw new Error('nothing built');
  return ns / (records * iterations);
}

function main(rounds: number): void {
  const rows = sampleRows();
  const values = rows.map(valuesOf);
  const counters = values.map((v) => countersOfText(v, toNumber));
  const cases = {
    'row → Counters, compiled literal': () => values.map((v) => countersOfText(v, toNumber)),
    'row → Counters, plain loop': () => values.map((v) => plainCountersOf(v, toNumber)),
    'Counters → day report, compiled literal': () => counters.map((c, d) => toDayReport(SAMPLE_APP, rows[d]!.bucket as string, c)),
    'Counters → day report, plain loop': () => counters.map((c, d) => plainDayReport(SAMPLE_APP, rows[d]!.bucket as string, c)),
  };
  const samples = new Map<string, number[]>(Object.keys(cases).map((k) => [k, []]));
  // Interleaved rounds, so a slow moment of a shared machine falls on every case alike.
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(cases)) samples.get(name)!.push(nsPerRecord(run, rows.length, 2000));
  }
  console.log(`| builder | median ns per record (${rounds} rounds × 2000 answers of 30 records) |`);
  console.log('|---|---:|');
  for (const [name, s] of samples) console.log(`| ${name} | ${median(s).toFixed(1)} |`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(Number(process.argv[2] ?? 15));
