// A simulated app fed through the real pipeline, with the simulator's own tally of days and hours.
import assert from 'node:assert/strict';
import type { ImEvent } from '../../src/events/event.js';
import { simulateEvents, simulationPlan, type SimulateOptions, type SimulatedDay, type SimulationPlan } from '../../src/simulate/index.js';
import type { SimulatedBucket } from '../../src/simulate/simulate-options.js';
import { dayRange } from '../../src/time/calendar-day.js';
import type { PipelineHarness } from './pipeline-harness.js';
import { getStats } from './stats-harness.js';
import type { StatsRow } from '../../src/report/stats-report.js';

export interface SimulatedApp {
  readonly plan: SimulationPlan;
  readonly events: readonly ImEvent[];
  /** The simulator's tally, by bucket label. */
  readonly days: ReadonlyMap<string, SimulatedDay>;
  readonly hours: ReadonlyMap<string, SimulatedBucket>;
}

/** Generates the simulation, keeping the events and the simulator's own day and hour tallies. */
export function simulateApp(options: SimulateOptions): SimulatedApp {
  const days = new Map<string, SimulatedDay>();
  const hours = new Map<string, SimulatedBucket>();
  const events = [...simulateEvents({ ...options, onDay: (d) => days.set(d.day, d), onHour: (h) => hours.set(h.bucket, h) })];
  return { plan: simulationPlan(options), events, days, hours };
}

/**
 * Creates the app (zone and baselines of the plan) and ingests `events` cut at `bounds` (sorted
 * event indices; each batch under its own id `prefix:i` when a prefix is given).
 */
export async function ingestSimulated(h: PipelineHarness, sdkappid: number, sim: SimulatedApp, bounds: readonly number[], prefix?: string): Promise<void> {
  await h.apps.create({ sdkappid, name: 'simulated', timezone: sim.plan.timezone, createdAt: 0 });
  await h.apps.setBaselines(sdkappid, { registeredUsers: sim.plan.registeredBaseline, groups: sim.plan.groupBaseline });
  const cuts = [...new Set([0, ...bounds, sim.events.length])].sort((a, b) => a - b);
  for (let i = 1; i < cuts.length; i++) {
    const batch = sim.events.slice(cuts[i - 1], cuts[i]).map((e) => ({ ...e, sdkappid }));
    const result = await h.ingest(batch, prefix ? { batch: { transport: 'test', key: `${prefix}:${i}` } } : undefined);
    assert.deepEqual(result.errors, []);
  }
}

/** Every event in batches of `size`. */
export function everyN(sim: SimulatedApp, size: number): number[] {
  const out: number[] = [];
  for (let i = size; i < sim.events.length; i += size) out.push(i);
  return out;
}

/** getstats answers covering a simulation: the requests and their Result rows. */
export type StatsAnswers = Array<{ readonly request: object; readonly rows: StatsRow[] }>;

/**
 * Every getstats view of the simulated days: days (all fields, by platform, by vendor) over the
 * whole simulation, and per day its 24 hours (all fields, by platform, by vendor).
 */
export async function allStats(h: PipelineHarness, sdkappid: number, plan: SimulationPlan, nowMs: number, retentionDays?: number): Promise<StatsAnswers> {
  const days = dayRange(plan.warmUpDay, plan.end);
  const requests: object[] = [];
  for (const By of [null, 'platform', 'vendor']) {
    requests.push({ Grain: 'day', Start: days[0], End: days[days.length - 1], By });
    for (const d of days) requests.push({ Grain: 'hour', Start: `${d}00`, End: `${d}23`, By });
  }
  const out: StatsAnswers = [];
  for (const request of requests) out.push({ request, rows: (await getStats(h, sdkappid, request, nowMs, retentionDays)).rows });
  return out;
}
