// The simulator's realistic workload through the real pipeline: what the database ends up with
// equals the simulator's own day-by-day tally (simulate/day-tally.ts, written independently from
// metrics.md), the invariants hold, and the shapes look like a real app.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateEvents, simulationPlan, type SimulatedDay } from '../simulate/index.js';
import { assertInvariants, deletionsByDay } from '../../test/support/metric-invariants.js';
import { pipelineHarness, type DayNumbers, type PipelineHarness } from '../../test/support/pipeline-harness.js';
import { testDatabaseKinds } from '../../test/support/test-databases.js';
import { dayOfZone } from '../time/day-of.js';
import { weekday } from '../time/calendar-day.js';
import type { ImEvent } from '../events/event.js';

const APP = 1400000321;
const OPTIONS = { sdkappid: APP, days: 14, users: 400, seed: 7, start: '20240601' } as const;
const NOW = Date.parse('2024-06-20T12:00:00Z');
const BATCH = 5_000;

for (const kind of testDatabaseKinds()) {
  describe(`a simulated app through the pipeline on ${kind}`, () => {
    let h: PipelineHarness;
    const expected = new Map<string, SimulatedDay>();
    const events: ImEvent[] = [];
    const actual = new Map<string, DayNumbers>();

    before(async () => {
      h = await pipelineHarness(kind, NOW);
      const plan = simulationPlan(OPTIONS);
      await h.apps.create({ sdkappid: APP, name: 'simulated', createdAt: 0 });
      await h.apps.setBaselines(APP, { registeredUsers: plan.registeredBaseline, groups: plan.groupBaseline });
      for (const e of simulateEvents({ ...OPTIONS, onDay: (d) => expected.set(d.day, d) })) events.push(e);
      for (let i = 0; i < events.length; i += BATCH) {
        const result = await h.ingest(events.slice(i, i + BATCH));
        assert.deepEqual(result.errors, []);
      }
      for (const day of expected.keys()) actual.set(day, await h.day(APP, day));
    });
    after(() => h.close());

    test('every field of every day equals the simulator’s own tally', () => {
      assert.ok(expected.size >= OPTIONS.days);
      for (const [day, sim] of expected) assert.deepEqual(actual.get(day), sim.counters, `day ${day}`);
    });

    test('the invariants of metrics.md hold', () => {
      const zone = dayOfZone(simulationPlan(OPTIONS).timezone);
      assertInvariants(actual, deletionsByDay(events, (t) => zone.day(t)));
    });

    test('plausible shapes: active users well below registered, busier weekends', () => {
      const days = [...actual].filter(([d]) => !expected.get(d)!.warmUp);
      for (const [day, n] of days) {
        assert.ok(n.ActiveUserNum > 0 && n.ActiveUserNum < 0.6 * n.RegistUserNumTotal, `${day}: ${n.ActiveUserNum} active of ${n.RegistUserNumTotal}`);
        assert.ok(n.UpMsgNum > n.ActiveUserNum, `${day}: messages outnumber active users`);
      }
      const mean = (pick: (d: string) => boolean) => {
        const xs = days.filter(([d]) => pick(d)).map(([, n]) => n.LoginTimes);
        return xs.reduce((a, b) => a + b, 0) / xs.length;
      };
      const weekend = (d: string) => weekday(d) === 0 || weekday(d) === 6;
      assert.ok(mean(weekend) > mean((d) => !weekend(d)), 'weekends see more logins than weekdays');
    });
  });
}
