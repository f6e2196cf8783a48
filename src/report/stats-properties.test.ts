// Property checks of getstats on simulated apps (stats-api.md and metrics.md invariants), through
// the real pipeline and a real database: fast-check draws the simulation (seed, size, zone, DST
// days, behaviour knobs) and the batch split; every run checks the invariants on every day and
// hour, by platform and by vendor, and that the split (and a replayed batch) answers the same.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PLATFORM_FIELDS, STATS_FIELD_NAMES, statsFieldKind, VENDOR_FIELDS, type StatsField } from '../catalog/fields.js';
import { testDatabaseKinds } from '../../test/support/test-databases.js';
import { pipelineHarness, type PipelineHarness } from '../../test/support/pipeline-harness.js';
import { allStats, ingestSimulated, simulateApp, type StatsAnswers } from '../../test/support/simulated-app.js';
import type { SimulateOptions } from '../simulate/simulate-options.js';
import type { StatsRow } from './stats-report.js';

/** 2024-11-07 12:00 UTC: every simulated day below lies within the 35-day window. */
const NOW = Date.parse('2024-11-07T12:00:00Z');
// Zones with whole, half and three-quarter hour offsets; starts whose days include DST changes
// (Adelaide springs forward on 6 October, Berlin falls back on 27 October, New York on 3 November).
const ZONES = ['Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'Australia/Adelaide', 'Asia/Kathmandu'];
const STARTS = ['20241005', '20241026', '20241102'];

const simulation = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  users: fc.integer({ min: 20, max: 120 }),
  days: fc.integer({ min: 1, max: 2 }),
  timezone: fc.constantFrom(...ZONES),
  start: fc.constantFrom(...STARTS),
  baseline: fc.constantFrom('events' as const, 'omit' as const),
  sessionsPerUserDay: fc.double({ min: 0.2, max: 3, noNaN: true }),
  groupMessageShare: fc.double({ min: 0, max: 1, noNaN: true }),
  c2cFailureShare: fc.double({ min: 0, max: 0.3, noNaN: true }),
  explicitDeliveredShare: fc.double({ min: 0, max: 1, noNaN: true }),
  timeoutLogoutShare: fc.double({ min: 0, max: 1, noNaN: true }),
  groupPushShare: fc.double({ min: 0, max: 0.5, noNaN: true }),
  deletedShare: fc.double({ min: 0, max: 0.1, noNaN: true }),
});

const n = (row: StatsRow | undefined, f: string) => Number(row?.[f] ?? 0);
const PLATFORM_SUMS = PLATFORM_FIELDS.filter((f) => statsFieldKind(f) === 'sum');
const PLATFORM_DISTINCT = PLATFORM_FIELDS.filter((f) => statsFieldKind(f) !== 'sum');
const HOUR_SUMS = STATS_FIELD_NAMES.filter((f) => statsFieldKind(f) === 'sum');
const HOUR_DISTINCT = STATS_FIELD_NAMES.filter((f) => statsFieldKind(f) === 'distinct');

/** Rows of one answer by bucket, then by dimension value ('' without By). */
function index(rows: readonly StatsRow[], dimKey: string | undefined): Map<string, Map<string, StatsRow>> {
  const out = new Map<string, Map<string, StatsRow>>();
  for (const r of rows) {
    let m = out.get(r.Bucket!);
    if (!m) out.set(r.Bucket!, (m = new Map()));
    m.set(dimKey ? r[dimKey]! : '', r);
  }
  return out;
}

function assertStatsInvariants(answers: StatsAnswers): void {
  const find = (grain: string, by: string | null, start?: string) =>
    answers.filter((a) => {
      const r = a.request as { Grain: string; By: string | null; Start: string };
      return r.Grain === grain && r.By === by && (start === undefined || r.Start === start);
    });
  const [dayAll] = find('day', null);
  const [dayPlatform] = find('day', 'platform');
  const [dayVendor] = find('day', 'vendor');
  const days = index(dayAll!.rows, undefined);
  const daysByPlatform = index(dayPlatform!.rows, 'Platform');
  const daysByVendor = index(dayVendor!.rows, 'Vendor');

  /** Breakdown rows against the all-platform row of the same bucket. */
  const breakdown = (total: StatsRow, values: Map<string, StatsRow> | undefined, sums: readonly StatsField[], distinct: readonly StatsField[], at: string) => {
    const parts = [...(values?.values() ?? [])];
    for (const f of sums) assert.equal(parts.reduce((s, r) => s + n(r, f), 0), n(total, f), `${at} ${f}: values add up`);
    for (const f of distinct) {
      const t = n(total, f);
      assert.ok(Math.max(0, ...parts.map((r) => n(r, f))) <= t, `${at} ${f}: max over values ≤ total`);
      assert.ok(t <= parts.reduce((s, r) => s + n(r, f), 0), `${at} ${f}: total ≤ sum over values`);
    }
  };
  /** The fields both grains have, on one bucket's all-platform row. */
  const bucket = (r: StatsRow, at: string) => {
    assert.ok(n(r, 'C2CDownMsgNum') + n(r, 'C2COfflineMsgNum') <= n(r, 'C2CUpMsgNum'), `${at}: offline + online ≤ up`);
    assert.equal(n(r, 'PushNum'), n(r, 'C2CPushNum') + n(r, 'GroupPushNum'), `${at}: PushNum`);
    assert.ok(n(r, 'APNSMsgNum') <= n(r, 'PushNum'), `${at}: APNs ≤ pushes`);
    assert.equal(n(r, 'UpMsgNum'), n(r, 'C2CUpMsgNum') + n(r, 'GroupUpMsgNum'), at);
    assert.equal(n(r, 'DownMsgNum'), n(r, 'C2CDownMsgNum') + n(r, 'GroupDownMsgNum'), at);
    assert.equal(n(r, 'APNSMsgNum'), n(r, 'C2CAPNSMsgNum') + n(r, 'GroupAPNSMsgNum'), at);
    assert.ok(Math.max(n(r, 'C2CSendMsgUserNum'), n(r, 'GroupSendMsgUserNum')) <= n(r, 'SendMsgUserNum'), at);
    assert.ok(n(r, 'SendMsgUserNum') <= n(r, 'C2CSendMsgUserNum') + n(r, 'GroupSendMsgUserNum'), at);
    assert.ok(n(r, 'LoginUserNum') <= n(r, 'ActiveUserNum') && n(r, 'SendMsgUserNum') <= n(r, 'ActiveUserNum'), at);
    assert.ok(n(r, 'LoginUserNum') <= n(r, 'LoginTimes') && n(r, 'MaxOnlineNum') <= n(r, 'ActiveUserNum'), at);
    assert.ok(n(r, 'CallBackRsp') <= n(r, 'CallBackReq'), at);
  };

  for (const [day, m] of days) {
    const total = m.get('')!;
    const at = `day ${day}`;
    bucket(total, at);
    assert.ok(n(total, 'ActiveUserNum') <= n(total, 'ActiveUserNum7d') && n(total, 'ActiveUserNum7d') <= n(total, 'ActiveUserNum30d'), `${at}: ActiveUserNum ≤ 7d ≤ 30d`);
    for (const f of ['RetainedD1', 'RetainedD7', 'RetainedD30']) assert.ok(n(total, f) <= n(total, 'RegistUserNumOneDay'), `${at}: ${f} ≤ registered`);
    breakdown(total, daysByPlatform.get(day), PLATFORM_SUMS, PLATFORM_DISTINCT, `${at} by platform`);
    breakdown(total, daysByVendor.get(day), VENDOR_FIELDS, [], `${at} by vendor`);

    // The day's hours against the day.
    const hours = index(find('hour', null, `${day}00`)[0]!.rows, undefined);
    const hoursByPlatform = index(find('hour', 'platform', `${day}00`)[0]!.rows, 'Platform');
    const hoursByVendor = index(find('hour', 'vendor', `${day}00`)[0]!.rows, 'Vendor');
    const hourRows = [...hours.values()].map((m) => m.get('')!);
    for (const [hour, m] of hours) {
      const r = m.get('')!;
      bucket(r, `hour ${hour}`);
      breakdown(r, hoursByPlatform.get(hour), PLATFORM_SUMS, PLATFORM_DISTINCT, `hour ${hour} by platform`);
      breakdown(r, hoursByVendor.get(hour), VENDOR_FIELDS, [], `hour ${hour} by vendor`);
    }
    const within = (rows: readonly (StatsRow | undefined)[], dayRow: StatsRow | undefined, sums: readonly string[], distinct: readonly string[], what: string) => {
      for (const f of sums) assert.equal(rows.reduce((s, r) => s + n(r, f), 0), n(dayRow, f), `${what} ${f}: Σ hours = day`);
      for (const f of distinct) {
        assert.ok(rows.reduce((s, r) => s + n(r, f), 0) >= n(dayRow, f), `${what} ${f}: day distinct ≤ Σ hours`);
        assert.ok(Math.max(0, ...rows.map((r) => n(r, f))) <= n(dayRow, f), `${what} ${f}: no hour above its day`);
      }
      assert.ok(Math.max(0, ...rows.map((r) => n(r, 'MaxOnlineNum'))) <= n(dayRow, 'MaxOnlineNum'), `${what}: max hour peak ≤ day peak`);
    };
    within(hourRows, total, HOUR_SUMS, HOUR_DISTINCT, at);
    // Net fields: the last hour ends where the day ends.
    for (const f of ['RegistUserNumTotal', 'GroupAllGroupNum']) assert.equal(n(hourRows[hourRows.length - 1], f), n(total, f), `${at} ${f}: last hour = day`);
    const platforms = new Set([...hoursByPlatform.values()].flatMap((m) => [...m.keys()]));
    for (const p of platforms) {
      const rows = [...hoursByPlatform.values()].map((m) => m.get(p));
      within(rows, daysByPlatform.get(day)?.get(p), PLATFORM_SUMS, PLATFORM_DISTINCT.filter((f) => f !== 'MaxOnlineNum'), `${at} ${p}`);
    }
    const vendors = new Set([...hoursByVendor.values()].flatMap((m) => [...m.keys()]));
    for (const v of vendors) within([...hoursByVendor.values()].map((m) => m.get(v)), daysByVendor.get(day)?.get(v), VENDOR_FIELDS, [], `${at} ${v}`);
  }
}

for (const kind of testDatabaseKinds()) {
  describe(`getstats properties on simulated apps on ${kind}`, () => {
    let h: PipelineHarness;
    let nextApp = 1400200000;
    before(async () => {
      h = await pipelineHarness(kind, NOW);
    });
    after(() => h.close());

    test('invariants hold on every bucket and breakdown; any batch split, and a replayed batch, give identical getstats', async () => {
      await fc.assert(
        fc.asyncProperty(simulation, fc.array(fc.nat(), { maxLength: 8 }), async (options, cuts) => {
          const whole = nextApp++;
          const split = nextApp++;
          const sim = simulateApp({ ...(options as Omit<SimulateOptions, 'sdkappid'>), sdkappid: whole });
          const bounds = [...new Set(cuts.map((c) => c % (sim.events.length + 1)))].sort((a, b) => a - b);
          await ingestSimulated(h, whole, sim, []);
          await ingestSimulated(h, split, sim, bounds, `split-${split}`);
          const expected = await allStats(h, whole, sim.plan, NOW);
          assertStatsInvariants(expected);
          assert.deepEqual(await allStats(h, split, sim.plan, NOW), expected);
          // The first batch again under its id: acknowledged as a duplicate, nothing changes.
          const first = sim.events.slice(0, bounds.find((b) => b > 0) ?? sim.events.length).map((e) => ({ ...e, sdkappid: split }));
          const replay = await h.ingest(first, { batch: { transport: 'test', key: `split-${split}:1` } });
          assert.equal(replay.duplicate, true);
          assert.deepEqual(await allStats(h, split, sim.plan, NOW), expected);
        }),
        { numRuns: kind === 'sqlite' ? 12 : 5 },
      );
    });
  });
}
