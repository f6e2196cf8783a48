// Hand-written event sequences whose numbers are worked out by hand below, field by field
// (shared/spec/metrics.md), fed through the real pipeline into a real database.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { zeroCounters } from '../catalog/fields.js';
import { testDatabaseKinds } from '../../test/support/test-databases.js';
import { pipelineHarness, type DayNumbers, type PipelineHarness } from '../../test/support/pipeline-harness.js';

const APP = 1400000001;
const NY_APP = 1400000002;
const NOW = Date.parse('2024-06-20T12:00:00Z');
/** Shanghai local time (UTC+8, no DST) to Unix ms. */
const sh = (local: string) => Date.parse(`${local}+08:00`);
/** New York local time in June (EDT, UTC−4) to Unix ms. */
const ny = (local: string) => Date.parse(`${local}-04:00`);

function expected(values: Partial<DayNumbers>): DayNumbers {
  return { ...zeroCounters(), ...values };
}

/** One realistic day and a half of a small app, in time order. */
function shanghaiEvents() {
  const e = (local: string, type: string, fields: object) => ({ type, time: sh(local), sdkappid: APP, ...fields });
  return [
    e('2024-06-10T08:00:00', 'user.register', { user: 'alice' }),
    e('2024-06-10T08:00:01', 'user.register', { user: 'bob' }),
    e('2024-06-10T08:00:02', 'user.register', { user: 'carol' }),
    e('2024-06-10T08:01:00', 'user.register', { user: 'alice' }), // already registered: nothing
    e('2024-06-10T09:00:00', 'user.login', { user: 'alice', platform: 'iOS' }),
    e('2024-06-10T09:05:00', 'user.login', { user: 'alice', platform: 'Android' }), // second platform, still one user online
    e('2024-06-10T09:10:00', 'user.login', { user: 'bob', platform: 'iOS' }), // online: 2
    e('2024-06-10T09:20:00', 'msg.c2c', { from: 'alice', to: 'bob' }), // bob online: delivered 1
    e('2024-06-10T09:21:00', 'msg.c2c', { from: 'bob', to: 'carol' }), // carol offline: 0
    e('2024-06-10T09:21:01', 'push', { chat: 'c2c', vendor: 'apns', to: 'carol' }),
    e('2024-06-10T09:21:02', 'push', { chat: 'c2c', vendor: 'fcm', to: 'carol' }), // not APNs: not counted
    e('2024-06-10T09:22:00', 'msg.c2c', { from: 'bob', to: 'alice', delivered: 0 }), // explicit wins over presence
    e('2024-06-10T09:23:00', 'msg.c2c', { from: 'alice', to: 'bob', ok: false }), // failed: accepted, not delivered
    e('2024-06-10T09:30:00', 'user.logout', { user: 'alice', platform: 'iOS' }), // still online on Android
    e('2024-06-10T09:31:00', 'user.login', { user: 'alice', platform: 'Android' }), // replaces the Android session
    e('2024-06-10T10:00:00', 'user.logout', { user: 'bob', platform: 'iOS' }), // online: 1 (alice)
    e('2024-06-10T12:00:00', 'group.create', { group: 'g1', owner: 'alice', members: ['bob', 'carol'] }),
    e('2024-06-10T13:00:00', 'friend.add', { user: 'alice', peer: 'bob' }),
    e('2024-06-10T13:00:00', 'friend.add', { user: 'bob', peer: 'alice' }), // a mutual add counts 2
    e('2024-06-10T14:00:00', 'callback', { command: 'C2C.CallbackBeforeSendMsg', answered: true }),
    e('2024-06-10T14:00:01', 'callback', { command: 'C2C.CallbackBeforeSendMsg', answered: true }),
    e('2024-06-10T14:00:02', 'callback', { command: 'C2C.CallbackBeforeSendMsg', answered: false }),
    e('2024-06-10T23:00:00', 'user.login', { user: 'carol', platform: 'Web' }), // online: 2 (alice, carol)
    e('2024-06-10T23:30:00', 'msg.group', { from: 'alice', group: 'g1' }), // others online: carol → 1
    e('2024-06-10T23:30:01', 'push', { chat: 'group', vendor: 'apns', to: 'bob' }),
    e('2024-06-10T23:31:00', 'group.join', { group: 'g1', user: 'dave' }),
    e('2024-06-10T23:32:00', 'msg.group', { from: 'carol', group: 'g1', delivered: 5 }), // explicit
    e('2024-06-10T23:33:00', 'group.quit', { group: 'g1', user: 'bob' }),
    // Midnight: alice (Android) and carol (Web) are carried into the 11th.
    e('2024-06-11T01:00:00', 'user.login', { user: 'dave', platform: 'iOS' }), // online: 3
    e('2024-06-11T01:30:00', 'msg.group', { from: 'dave', group: 'g1' }), // others online: alice, carol → 2
    e('2024-06-11T02:00:00', 'user.logout', { user: 'alice', platform: 'Android' }),
    e('2024-06-11T02:00:01', 'user.logout', { user: 'carol', platform: 'Web' }),
    e('2024-06-11T02:00:02', 'user.logout', { user: 'dave', platform: 'iOS' }),
    e('2024-06-11T02:00:03', 'user.logout', { user: 'dave', platform: 'iOS' }), // already offline: nothing
    e('2024-06-11T03:00:00', 'group.destroy', { group: 'g1' }),
    e('2024-06-11T03:00:01', 'group.destroy', { group: 'g1' }), // already dismissed: nothing
    e('2024-06-11T03:00:02', 'group.destroy', { group: 'nope' }), // unknown: nothing
    e('2024-06-11T03:02:00', 'group.create', { group: 'g2', owner: 'bob' }),
    e('2024-06-11T03:03:00', 'group.create', { group: 'g2', owner: 'bob' }), // exists: nothing
    e('2024-06-11T04:00:00', 'user.delete', { user: 'bob' }),
    e('2024-06-11T04:00:01', 'user.register', { user: 'bob' }), // registered again after deletion: counts
    e('2024-06-11T04:00:02', 'user.delete', { user: 'zed' }), // unknown: nothing
    e('2024-06-11T05:00:00', 'friend.delete', { user: 'alice', peer: 'bob' }),
  ];
}

// Day 10 by hand:
//   logins: alice iOS, alice Android, bob iOS, alice Android again, carol Web = 5, by 3 users
//   active: alice, bob, carol (logins) ∪ senders alice, bob, carol = 3; peak online 2
//   C2C: 4 up, 1 delivered (alice→bob), senders alice, bob; group: 2 up, 1 + 5 delivered,
//   senders alice, carol, 1 group; all senders: alice, bob, carol = 3
//   registrations 3 on a baseline of 100; 1 group created; 1 join, 1 quit; friends +2;
//   APNs: 1 C2C, 1 group; callbacks 3 sent, 2 answered.
const DAY_10 = expected({
  LoginTimes: 5, LoginUserNum: 3, ActiveUserNum: 3, MaxOnlineNum: 2,
  C2CUpMsgNum: 4, C2CDownMsgNum: 1, C2CSendMsgUserNum: 2, C2CAPNSMsgNum: 1,
  GroupUpMsgNum: 2, GroupDownMsgNum: 6, GroupSendMsgUserNum: 2, GroupSendMsgGroupNum: 1, GroupAPNSMsgNum: 1,
  UpMsgNum: 6, DownMsgNum: 7, APNSMsgNum: 2, SendMsgUserNum: 3,
  RegistUserNumOneDay: 3, RegistUserNumTotal: 103,
  GroupNewGroupNum: 1, GroupAllGroupNum: 1, GroupJoinGroupTimes: 1, GroupQuitGroupTimes: 1,
  ChainIncrease: 2, CallBackReq: 3, CallBackRsp: 2,
});

// Day 11 by hand:
//   carried over midnight: alice, carol (online 2 at 00:00); dave logs in: peak 3; active 3
//   1 group message from dave delivered to alice and carol; g1 dismissed, g2 created: 1 + 1 − 1 = 1 group
//   bob deleted and registered again: +1 registration, total 103 − 1 + 1 = 103; friends −1.
const DAY_11 = expected({
  LoginTimes: 1, LoginUserNum: 1, ActiveUserNum: 3, MaxOnlineNum: 3,
  GroupUpMsgNum: 1, GroupDownMsgNum: 2, GroupSendMsgUserNum: 1, GroupSendMsgGroupNum: 1,
  UpMsgNum: 1, DownMsgNum: 2, SendMsgUserNum: 1,
  RegistUserNumOneDay: 1, RegistUserNumTotal: 103,
  GroupNewGroupNum: 1, GroupDestroyGroupNum: 1, GroupAllGroupNum: 1,
  ChainDecrease: 1,
});

for (const kind of testDatabaseKinds()) {
  describe(`pipeline scenarios on ${kind}`, () => {
    let h: PipelineHarness;
    before(async () => {
      h = await pipelineHarness(kind, NOW);
      await h.apps.create({ sdkappid: APP, name: 'Shanghai app' });
      await h.apps.setBaselines(APP, { registeredUsers: 100 });
      await h.apps.create({ sdkappid: NY_APP, name: 'New York app', timezone: 'America/New_York' });
    });
    after(() => h.close());

    test('a day and a half in Asia/Shanghai: every field by hand', async () => {
      const result = await h.ingest(shanghaiEvents());
      assert.deepEqual(result.errors, []);
      assert.deepEqual(await h.day(APP, '20240610'), DAY_10);
      assert.deepEqual(await h.day(APP, '20240611'), DAY_11);
      // The day after: nothing happened, net fields carry, nobody is online any more.
      assert.deepEqual(await h.day(APP, '20240612'), expected({ RegistUserNumTotal: 103, GroupAllGroupNum: 1 }));
    });

    test('a late login counts in sums and distinct sets but does not rewrite presence', async () => {
      const late = { type: 'user.login', time: sh('2024-06-10T10:30:00'), sdkappid: APP, user: 'erin', platform: 'iOS' };
      const probe = { type: 'msg.c2c', time: sh('2024-06-11T06:00:00'), sdkappid: APP, from: 'alice', to: 'erin' };
      const result = await h.ingest([late, probe]);
      assert.equal(result.accepted, 2);
      const day10 = await h.day(APP, '20240610');
      assert.deepEqual(day10, { ...DAY_10, LoginTimes: 6, LoginUserNum: 4, ActiveUserNum: 4 });
      const day11 = await h.day(APP, '20240611');
      // erin was never put online: the probe message is not delivered in real time.
      assert.deepEqual(day11, { ...DAY_11, C2CUpMsgNum: 1, UpMsgNum: 2, C2CSendMsgUserNum: 1, SendMsgUserNum: 2, ActiveUserNum: 3 });
    });

    test('a midnight crossing in America/New_York buckets by the app zone', async () => {
      const e = (local: string, type: string, fields: object) => ({ type, time: ny(local), sdkappid: NY_APP, ...fields });
      const result = await h.ingest([
        e('2024-06-10T23:30:00', 'user.login', { user: 'nina', platform: 'Web' }), // 2024-06-11 11:30 in Shanghai
        e('2024-06-11T00:30:00', 'msg.c2c', { from: 'omar', to: 'nina' }), // delivered: nina is still online
        e('2024-06-12T08:00:00', 'user.logout', { user: 'nina', platform: 'Web' }),
      ]);
      assert.equal(result.accepted, 3);
      assert.deepEqual(await h.day(NY_APP, '20240610'), expected({ LoginTimes: 1, LoginUserNum: 1, ActiveUserNum: 1, MaxOnlineNum: 1 }));
      assert.deepEqual(
        await h.day(NY_APP, '20240611'),
        expected({ ActiveUserNum: 2, MaxOnlineNum: 1, C2CUpMsgNum: 1, UpMsgNum: 1, C2CDownMsgNum: 1, DownMsgNum: 1, C2CSendMsgUserNum: 1, SendMsgUserNum: 1 }),
      );
      // Still online when the 12th began, logged out during it.
      assert.deepEqual(await h.day(NY_APP, '20240612'), expected({ ActiveUserNum: 1, MaxOnlineNum: 1 }));
    });

    test('future, expired, malformed and foreign events are rejected with reasons; the rest count', async () => {
      const ok = { type: 'friend.add', time: sh('2024-06-19T10:00:00'), sdkappid: APP, user: 'a', peer: 'b' };
      const result = await h.ingest([
        ok,
        { ...ok, time: NOW + 11 * 60_000 },
        { ...ok, time: NOW - 36 * 86_400_000 },
        { ...ok, time: Math.floor(ok.time / 1000) },
        { ...ok, type: 'friend.poke' },
        { ...ok, peer: undefined },
        { ...ok, sdkappid: 999 },
        { ...ok, user: 'x'.repeat(65) },
      ]);
      assert.equal(result.accepted, 1);
      assert.equal(result.rejected, 7);
      assert.deepEqual(result.errors.map((e) => e.line), [2, 3, 4, 5, 6, 7, 8]);
      const reasons = result.errors.map((e) => e.reason);
      assert.match(reasons[0]!, /future/);
      assert.match(reasons[1]!, /retention/);
      assert.match(reasons[2]!, /seconds/);
      assert.match(reasons[3]!, /unknown event type "friend.poke"/);
      assert.match(reasons[4]!, /missing field "peer"/);
      assert.match(reasons[5]!, /unknown app 999/);
      assert.match(reasons[6]!, /1–64 bytes/);
      assert.equal((await h.day(APP, '20240619')).ChainIncrease, 1);
    });

    test('a batch id applied once changes nothing the second time', async () => {
      const batch = [{ type: 'callback', time: sh('2024-06-18T10:00:00'), sdkappid: APP, command: 'x', answered: true }];
      const first = await h.ingest(batch, { batchId: 'batch-18' });
      const second = await h.ingest(batch, { batchId: 'batch-18' });
      assert.deepEqual([first.duplicate, second.duplicate], [false, true]);
      assert.equal((await h.day(APP, '20240618')).CallBackReq, 1);
    });

    test('user ids are case-sensitive', async () => {
      const login = (user: string) => ({ type: 'user.login', time: sh('2024-06-15T10:00:00'), sdkappid: APP, user });
      await h.ingest([login('Zoe'), login('zoe'), login('ZOE')]);
      assert.equal((await h.day(APP, '20240615')).LoginUserNum, 3);
    });

    test('events naming another app than the batch are rejected', async () => {
      const result = await h.ingest(
        [{ type: 'callback', time: sh('2024-06-17T10:00:00'), sdkappid: NY_APP, command: 'x', answered: true }],
        { sdkappid: APP },
      );
      assert.equal(result.accepted, 0);
      assert.match(result.errors[0]!.reason, /for app 1400000002, but this batch is for app 1400000001/);
    });
  });
}
