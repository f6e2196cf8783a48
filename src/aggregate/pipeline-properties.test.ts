// Property checks on random event streams (metrics.md, "Invariants that always hold"), through the
// real pipeline and a real database.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dayRange } from '../time/calendar-day.js';
import { testDatabaseKinds } from '../../test/support/test-databases.js';
import { pipelineHarness, type DayNumbers, type PipelineHarness } from '../../test/support/pipeline-harness.js';
import { assertInvariants, deletionsByDay } from '../../test/support/metric-invariants.js';
import { dayOfZone } from '../time/day-of.js';

const NOW = Date.parse('2024-06-20T12:00:00Z');
const START = Date.parse('2024-06-10T00:00:00+08:00');
const DAYS = dayRange('20240609', '20240614');
const USERS = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];
const GROUPS = ['g1', 'g2', 'g3'];
const PLATFORMS = ['iOS', 'Android', 'Web'];
const shanghai = dayOfZone('Asia/Shanghai');

type Step = {
  kind: number;
  user: number;
  peer: number;
  group: number;
  platform: number;
  gapMinutes: number;
  explicit: number;
  flag: boolean;
};

const step = fc.record({
  kind: fc.integer({ min: 0, max: 15 }),
  user: fc.integer({ min: 0, max: USERS.length - 1 }),
  peer: fc.integer({ min: 0, max: USERS.length - 1 }),
  group: fc.integer({ min: 0, max: GROUPS.length - 1 }),
  platform: fc.integer({ min: 0, max: PLATFORMS.length - 1 }),
  gapMinutes: fc.integer({ min: 0, max: 400 }),
  explicit: fc.integer({ min: -1, max: 3 }),
  flag: fc.boolean(),
});

/** A time-ordered stream of canonical events over a few days, ids from small pools so they interact. */
function toEvents(steps: readonly Step[]): object[] {
  let time = START;
  return steps.map((s) => {
    time += s.gapMinutes * 60_000;
    const user = USERS[s.user]!;
    const peer = USERS[s.peer]!;
    const group = GROUPS[s.group]!;
    const platform = PLATFORMS[s.platform]!;
    const delivered = s.explicit >= 0 ? { delivered: s.explicit } : {};
    const base = { time };
    switch (s.kind) {
      case 0: return { ...base, type: 'user.register', user };
      case 1: return { ...base, type: 'user.delete', user };
      case 2:
      case 3: return { ...base, type: 'user.login', user, platform };
      case 4: return { ...base, type: 'user.logout', user, platform };
      case 5: return { ...base, type: 'msg.c2c', from: user, to: peer, ok: s.flag, ...(s.explicit >= 0 ? { delivered: s.explicit % 2 } : {}) };
      case 6: return { ...base, type: 'msg.group', from: user, group, ...delivered };
      case 7: return { ...base, type: 'push', chat: s.flag ? 'c2c' : 'group', vendor: s.explicit > 1 ? 'fcm' : 'apns', to: peer };
      case 8: return { ...base, type: s.flag ? 'friend.add' : 'friend.delete', user, peer };
      case 9: return { ...base, type: 'group.create', group, owner: user, members: [peer] };
      case 10:
      case 11: return { ...base, type: 'group.join', group, user };
      case 12: return { ...base, type: 'group.quit', group, user };
      case 13: return { ...base, type: 'group.destroy', group };
      default: return { ...base, type: 'callback', command: 'Cmd', answered: s.flag };
    }
  });
}

for (const kind of testDatabaseKinds()) {
  describe(`pipeline properties on ${kind}`, () => {
    let h: PipelineHarness;
    let nextApp = 1400100000;
    before(async () => {
      h = await pipelineHarness(kind, NOW);
    });
    after(() => h.close());

    async function daysOf(sdkappid: number): Promise<Map<string, DayNumbers>> {
      const out = new Map<string, DayNumbers>();
      for (const d of DAYS) out.set(d, await h.day(sdkappid, d));
      return out;
    }

    async function feed(sdkappid: number, events: readonly object[], cuts: readonly number[], batchPrefix?: string) {
      const bounds = [...new Set([0, ...cuts.map((c) => c % (events.length + 1)), events.length])].sort((a, b) => a - b);
      for (let i = 1; i < bounds.length; i++) {
        const batch = events.slice(bounds[i - 1], bounds[i]).map((e) => ({ ...e, sdkappid }));
        const result = await h.ingest(batch, { batchId: batchPrefix ? `${batchPrefix}:${i}` : undefined });
        assert.deepEqual(result.errors, []);
      }
      return bounds;
    }

    test('invariants hold, any batch split gives the same numbers, a replayed batch id changes nothing', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 120 }), fc.array(fc.nat(), { maxLength: 6 }), async (steps, cuts) => {
          const events = toEvents(steps);
          const whole = nextApp++;
          const split = nextApp++;
          await h.apps.create({ sdkappid: whole, name: 'whole', createdAt: 0 });
          await h.apps.create({ sdkappid: split, name: 'split', createdAt: 0 });
          await feed(whole, events, []);
          const bounds = await feed(split, events, cuts, `split-${split}`);
          const wholeDays = await daysOf(whole);
          assertInvariants(wholeDays, deletionsByDay(events, (t) => shanghai.day(t)));
          assert.deepEqual(await daysOf(split), wholeDays);
          // Replaying the first batch under its id is acknowledged and changes nothing.
          const replay = await h.ingest(events.slice(0, bounds[1]).map((e) => ({ ...e, sdkappid: split })), { batchId: `split-${split}:1` });
          assert.equal(replay.duplicate, true);
          assert.deepEqual(await daysOf(split), wholeDays);
        }),
        { numRuns: kind === 'sqlite' ? 40 : 15 },
      );
    });
  });
}
