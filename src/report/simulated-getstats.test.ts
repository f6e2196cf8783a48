// A simulated app through the real pipeline, read back with getstats: every hour × platform,
// hour × vendor, hour and day (with reach and retention) equals the simulator's own tally
// (simulate/sim-tally.ts, written from metrics.md and stats-api.md, not from the pipeline).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { COUNTED_FIELDS, EXTRA_SUM_FIELDS } from '../catalog/fields.js';
import type { SimulateOptions, SimulatedBucket, SimulatedDay } from '../simulate/simulate-options.js';
import { testDatabaseKinds } from '../../test/support/test-databases.js';
import { pipelineHarness, type PipelineHarness } from '../../test/support/pipeline-harness.js';
import { allStats, everyN, ingestSimulated, simulateApp, type SimulatedApp, type StatsAnswers } from '../../test/support/simulated-app.js';
import type { StatsRow } from './stats-report.js';

interface Case {
  readonly name: string;
  readonly sdkappid: number;
  readonly options: Omit<SimulateOptions, 'sdkappid'>;
  readonly now: number;
  readonly retentionDays: number;
  /** A spring-forward day (23 hour labels). */
  readonly shortDay?: string;
}

const CASES: readonly Case[] = [
  {
    name: 'Asia/Shanghai',
    sdkappid: 1400000401,
    options: { days: 3, users: 300, seed: 9, start: '20240616' },
    now: Date.parse('2024-06-20T12:00:00Z'),
    retentionDays: 35,
  },
  {
    // 27 October 2024: Berlin falls back (02:00–03:00 twice: one bucket); 31 March 2024 is the
    // spring-forward day, outside this range (the hand-worked scenarios cover it).
    name: 'Europe/Berlin across the fall-back day, baseline omitted',
    sdkappid: 1400000402,
    options: { days: 2, users: 200, seed: 3, start: '20241026', timezone: 'Europe/Berlin', baseline: 'omit' },
    now: Date.parse('2024-11-05T12:00:00Z'),
    retentionDays: 35,
  },
  {
    // 6 October 2024: Adelaide (UTC+9:30) springs forward, 02:00 → 03:00: a day of 23 hour labels.
    name: 'Australia/Adelaide across the spring-forward day',
    sdkappid: 1400000403,
    options: { days: 2, users: 150, seed: 4, start: '20241005', timezone: 'Australia/Adelaide' },
    now: Date.parse('2024-11-05T12:00:00Z'),
    retentionDays: 35,
    shortDay: '20241006',
  },
];

/** Expected value of `field` for the breakdown value `dim` of a tallied bucket ('' = all platforms). */
function expected(b: SimulatedBucket, by: string | null, dim: string, field: string): number {
  if (by === 'platform') return (b.platforms[dim] as Record<string, number> | undefined)?.[field] ?? 0;
  if (by === 'vendor') return (b.vendors[dim] as Record<string, number> | undefined)?.[field] ?? 0;
  if ((COUNTED_FIELDS as readonly string[]).includes(field)) return b.counters[field as keyof typeof b.counters];
  if ((EXTRA_SUM_FIELDS as readonly string[]).includes(field)) return b.extra[field as keyof typeof b.extra];
  const day = b as SimulatedDay;
  if (field === 'ActiveUserNum7d' || field === 'ActiveUserNum30d') return day.reach[field];
  if (field === 'RetainedD1' || field === 'RetainedD7' || field === 'RetainedD30') return day.retained[field];
  throw new Error(`no tally for ${field}`);
}

/** Compares every answer with the tally; returns how many values were compared. */
function compare(answers: StatsAnswers, sim: SimulatedApp): number {
  let compared = 0;
  for (const { request, rows } of answers) {
    const { Grain, By } = request as { Grain: string; By: string | null };
    const tallied = Grain === 'day' ? sim.days : sim.hours;
    const dimKey = By === 'platform' ? 'Platform' : By === 'vendor' ? 'Vendor' : undefined;
    const fields = Object.keys(rows[0] ?? {}).filter((k) => k !== 'Bucket' && k !== 'Final' && k !== dimKey);
    const byBucket = new Map<string, Map<string, StatsRow>>();
    for (const r of rows) {
      let m = byBucket.get(r.Bucket!);
      if (!m) byBucket.set(r.Bucket!, (m = new Map()));
      m.set(dimKey ? r[dimKey]! : '', r);
    }
    for (const [bucket, rowsOfBucket] of byBucket) {
      const b = tallied.get(bucket);
      // Hours after the last event (none carried into them) are not tallied: zero-filled only.
      if (!b) continue;
      const dims = new Set([...rowsOfBucket.keys(), ...Object.keys(By === 'platform' ? b.platforms : By === 'vendor' ? b.vendors : {})]);
      if (!dimKey) dims.add('');
      for (const dim of dims) {
        const row = rowsOfBucket.get(dim);
        assert.ok(row, `${JSON.stringify(request)}: no row for ${bucket} ${dim}`);
        for (const f of fields) {
          assert.equal(Number(row[f]), expected(b, By, dim, f), `${JSON.stringify(request)}: ${bucket} ${dim} ${f}`);
          compared++;
        }
      }
    }
  }
  return compared;
}

for (const kind of testDatabaseKinds()) {
  describe(`getstats of a simulated app equals the simulator's own tally on ${kind}`, () => {
    for (const c of CASES) {
      let h: PipelineHarness;
      let sim: SimulatedApp;
      let answers: StatsAnswers;
      before(async () => {
        h = await pipelineHarness(kind, c.now, c.retentionDays);
        sim = simulateApp({ ...c.options, sdkappid: c.sdkappid });
        await ingestSimulated(h, c.sdkappid, sim, everyN(sim, 4000));
        answers = await allStats(h, c.sdkappid, sim.plan, c.now, c.retentionDays);
      });
      after(() => h.close());

      test(`${c.name}: days, hours, platforms and vendors field by field`, () => {
        const n = compare(answers, sim);
        // Every hour of every day, each platform and vendor: thousands of values.
        assert.ok(n > 5_000, `compared ${n} values`);
        // The simulation exercises what is compared: breakdowns, pushes, offline messages, retention.
        const days = [...sim.days.values()].filter((d) => !d.warmUp);
        assert.ok(days.every((d) => Object.keys(d.platforms).length >= 5 && Object.keys(d.vendors).length >= 5));
        assert.ok(days.every((d) => d.extra.C2COfflineMsgNum > 0 && d.extra.GroupOfflineMsgNum > 0 && d.extra.PushNum > d.counters.APNSMsgNum));
        assert.ok(days.some((d) => d.retained.RetainedD1 > 0));
        assert.ok(days.every((d) => d.reach.ActiveUserNum30d > d.counters.ActiveUserNum));
        // Each day has 24 hour labels, the fall-back day too (its repeated hour is one bucket);
        // the spring-forward day 23 (its skipped hour has none).
        for (const { request, rows } of answers) {
          const { Grain, Start } = request as { Grain: string; Start: string };
          if (Grain === 'hour') assert.equal(new Set(rows.map((r) => r.Bucket)).size, Start.slice(0, 8) === c.shortDay ? 23 : 24, JSON.stringify(request));
        }
      });
    }
  });
}
