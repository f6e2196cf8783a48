// Issue 10 (9): what depends on each app's events arriving in time order (README, "What depends
// on the order events arrive in"). The same events fed in time order and as day-chunks in another
// order: the fields listed may differ, every other field must not.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { COUNTED_FIELDS, type CountedField } from '../catalog/fields.js';
import { testDatabaseKinds } from '../../test/support/test-databases.js';
import { pipelineHarness, type DayNumbers, type PipelineHarness } from '../../test/support/pipeline-harness.js';
import { dayOfZone } from '../time/day-of.js';

/**
 * The README's list, written out again here (not imported: the test checks the claim). Presence:
 * who is online when (a late event does not rewrite it). State: registered users, existing
 * groups and group members as of the moment an event is applied.
 */
const ORDER_DEPENDENT: ReadonlySet<CountedField> = new Set<CountedField>([
  // presence
  'MaxOnlineNum',
  'ActiveUserNum',
  'C2CDownMsgNum',
  'GroupDownMsgNum',
  'DownMsgNum',
  // registered users
  'RegistUserNumOneDay',
  'RegistUserNumTotal',
  // groups (and their members, for GroupDownMsgNum)
  'GroupNewGroupNum',
  'GroupDestroyGroupNum',
  'GroupAllGroupNum',
]);
const ORDER_FREE = COUNTED_FIELDS.filter((f) => !ORDER_DEPENDENT.has(f));

const NOW = Date.parse('2024-06-20T12:00:00Z');
const shanghai = dayOfZone('Asia/Shanghai');
/** 10:00 in Shanghai on 2024-06-1<day>, plus `minute`. */
const at = (day: number, minute: number) => Date.parse(`2024-06-1${day}T10:00:00+08:00`) + minute * 60_000;

function pick(n: DayNumbers, fields: readonly CountedField[]): Partial<DayNumbers> {
  return Object.fromEntries(fields.map((f) => [f, n[f]]));
}

for (const kind of testDatabaseKinds()) {
  describe(`what depends on each app's time order (${kind})`, () => {
    let h: PipelineHarness;
    let nextApp = 1400400000;
    before(async () => {
      h = await pipelineHarness(kind, NOW);
    });
    after(() => h.close());

    async function newApp(): Promise<number> {
      const sdkappid = nextApp++;
      await h.apps.create({ sdkappid, name: 'order', createdAt: 0 });
      return sdkappid;
    }
    async function feed(sdkappid: number, chunks: ReadonlyArray<readonly object[]>): Promise<void> {
      for (const chunk of chunks) {
        const result = await h.ingest(chunk.map((e) => ({ ...e, sdkappid })));
        assert.deepEqual(result.errors, []);
      }
    }

    test('each listed field changes when a day arrives before the one it follows; the others do not', async () => {
      const day1 = [
        { type: 'user.register', user: 'u1', time: at(0, 0) },
        { type: 'group.create', group: 'g1', owner: 'u1', members: ['u2'], time: at(0, 1) },
        { type: 'user.login', user: 'u2', platform: 'iOS', time: at(0, 2) },
        { type: 'group.create', group: 'g2', owner: 'u3', members: ['u3'], time: at(0, 3) },
        { type: 'group.join', group: 'g2', user: 'u2', time: at(0, 4) },
      ];
      const day2 = [
        { type: 'user.delete', user: 'u1', time: at(1, 0) },
        { type: 'group.destroy', group: 'g1', time: at(1, 1) },
        { type: 'msg.c2c', from: 'u3', to: 'u2', time: at(1, 2) },
        { type: 'msg.group', from: 'u3', group: 'g2', time: at(1, 3) },
      ];
      const day3 = [
        { type: 'user.register', user: 'u1', time: at(2, 0) },
        { type: 'group.create', group: 'g1', owner: 'u4', members: ['u4'], time: at(2, 1) },
      ];
      const ordered = await newApp();
      const shuffled = await newApp();
      await feed(ordered, [day1, day2, day3]);
      // Day 2 first: its delete and dismissal find nothing to remove and u2 is not online yet; day
      // 1 then comes late, so its login opens no session; day 3's registration and creation find
      // u1 and g1 still there.
      await feed(shuffled, [day2, day1, day3]);
      const listed = [...ORDER_DEPENDENT];
      const days = ['20240610', '20240611', '20240612'];
      const inOrder = await Promise.all(days.map((d) => h.day(ordered, d)));
      const outOfOrder = await Promise.all(days.map((d) => h.day(shuffled, d)));
      // Worked out by hand from metrics.md.
      const row = (values: number[]) => Object.fromEntries(listed.map((f, i) => [f, values[i]]));
      //                 MaxOnline Active C2CDown GroupDown Down OneDay Total New Destroy All
      assert.deepEqual(inOrder.map((n) => pick(n, listed)), [
        row([1, 1, 0, 0, 0, 1, 1, 2, 0, 2]),
        row([1, 2, 1, 1, 2, 0, 0, 0, 1, 1]),
        row([1, 1, 0, 0, 0, 1, 1, 1, 0, 2]),
      ]);
      assert.deepEqual(outOfOrder.map((n) => pick(n, listed)), [
        row([0, 1, 0, 0, 0, 1, 1, 2, 0, 2]),
        row([0, 1, 0, 0, 0, 0, 1, 0, 0, 2]),
        row([0, 0, 0, 0, 0, 0, 1, 0, 0, 2]),
      ]);
      for (const [i, d] of days.entries()) assert.deepEqual(pick(outOfOrder[i]!, ORDER_FREE), pick(inOrder[i]!, ORDER_FREE), d);
      assert.deepEqual(pick(outOfOrder[1]!, ['C2CUpMsgNum', 'GroupUpMsgNum', 'SendMsgUserNum']), { C2CUpMsgNum: 1, GroupUpMsgNum: 1, SendMsgUserNum: 1 });
      assert.deepEqual(pick(outOfOrder[0]!, ['LoginTimes', 'GroupJoinGroupTimes']), { LoginTimes: 1, GroupJoinGroupTimes: 1 });
    });

    test('property: the same events as day-chunks in any order change only the listed fields', async (t) => {
      const users = ['u1', 'u2', 'u3', 'u4'];
      const groups = ['g1', 'g2'];
      const platforms = ['iOS', 'Android'];
      const event = fc.record({
        day: fc.integer({ min: 0, max: 3 }),
        minute: fc.integer({ min: 0, max: 600 }),
        kind: fc.integer({ min: 0, max: 14 }),
        user: fc.integer({ min: 0, max: users.length - 1 }),
        peer: fc.integer({ min: 0, max: users.length - 1 }),
        group: fc.integer({ min: 0, max: groups.length - 1 }),
        platform: fc.integer({ min: 0, max: platforms.length - 1 }),
        flag: fc.boolean(),
      });
      const toEvent = (s: { day: number; minute: number; kind: number; user: number; peer: number; group: number; platform: number; flag: boolean }) => {
        const time = at(s.day, s.minute);
        const [user, peer, group, platform] = [users[s.user]!, users[s.peer]!, groups[s.group]!, platforms[s.platform]!];
        switch (s.kind) {
          case 0: return { time, type: 'user.register', user };
          case 1: return { time, type: 'user.delete', user };
          case 2:
          case 3: return { time, type: 'user.login', user, platform };
          case 4: return { time, type: 'user.logout', user, platform };
          case 5: return { time, type: 'msg.c2c', from: user, to: peer, ok: s.flag };
          case 6: return { time, type: 'msg.group', from: user, group };
          case 7: return { time, type: 'push', chat: s.flag ? 'c2c' : 'group', vendor: s.flag ? 'apns' : 'fcm', to: peer };
          case 8: return { time, type: s.flag ? 'friend.add' : 'friend.delete', user, peer };
          case 9: return { time, type: 'group.create', group, owner: user, members: [peer] };
          case 10: return { time, type: 'group.join', group, user };
          case 11: return { time, type: 'group.quit', group, user };
          case 12: return { time, type: 'group.destroy', group };
          default: return { time, type: 'callback', command: 'Cmd', answered: s.flag };
        }
      };
      let differed = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 80 }), fc.array(fc.nat(), { minLength: 4, maxLength: 4 }), async (steps, keys) => {
          const events = steps.map(toEvent).sort((a, b) => a.time - b.time);
          const byDay = new Map<string, object[]>();
          for (const e of events) {
            const d = shanghai.day(e.time);
            byDay.set(d, [...(byDay.get(d) ?? []), e]);
          }
          const days = [...byDay.keys()];
          const order = days.map((d, i) => ({ d, key: keys[i]! })).sort((a, b) => a.key - b.key || a.d.localeCompare(b.d));
          const ordered = await newApp();
          const shuffled = await newApp();
          await feed(ordered, [events]);
          await feed(shuffled, order.map(({ d }) => byDay.get(d)!));
          for (const d of days) {
            const [a, b] = [await h.day(ordered, d), await h.day(shuffled, d)];
            assert.deepEqual(pick(b, ORDER_FREE), pick(a, ORDER_FREE), `${d}, chunks fed as ${order.map((o) => o.d).join(' ')}`);
            if ([...ORDER_DEPENDENT].some((f) => a[f] !== b[f])) differed++;
          }
        }),
        { numRuns: kind === 'sqlite' ? 40 : 12 },
      );
      // How often a shuffle changed a listed field depends on the draws (a few runs may change
      // none); that the listed fields do change out of order is the hand-worked test above.
      t.diagnostic(`${differed} day(s) with a listed field changed by the shuffle`);
    });
  });
}
