// Hand-worked getstats scenarios (shared/spec/stats-api.md): every expected value below is
// worked out by hand from the spec, in the comments, not from the code. Real pipeline, real
// database, the route's own request parser and checks.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabaseKinds } from '../../test/support/test-databases.js';
import { pipelineHarness, type PipelineHarness } from '../../test/support/pipeline-harness.js';
import { getStats, statsRow } from '../../test/support/stats-harness.js';
import { PLATFORM_FIELDS } from '../catalog/fields.js';

/** 2024-06-20 20:00 in Shanghai. */
const NOW = Date.parse('2024-06-20T12:00:00Z');
const sh = (local: string) => Date.parse(`${local}+08:00`);
const HOURS_APP = 1400000101;
const CARRY_APP = 1400000102;
const BOTH_APP = 1400000103;
const VENDOR_APP = 1400000104;
const REACH_APP = 1400000105;
const COHORT_APP = 1400000106;
const BERLIN_APP = 1400000107;
/** 2024-11-05 12:00 UTC: both Berlin DST days of 2024 lie within a 250-day window. */
const BERLIN_NOW = Date.parse('2024-11-05T12:00:00Z');

const ev = (sdkappid: number, time: number, type: string, fields: object) => ({ type, time, sdkappid, ...fields });
const presence = ['ActiveUserNum', 'LoginTimes', 'LoginUserNum', 'MaxOnlineNum'];
const msgFields = ['ActiveUserNum', 'C2CDownMsgNum', 'C2COfflineMsgNum', 'C2CSendMsgUserNum', 'C2CUpMsgNum', 'DownMsgNum', 'LoginTimes', 'LoginUserNum', 'MaxOnlineNum', 'SendMsgUserNum', 'UpMsgNum'];

for (const kind of testDatabaseKinds()) {
  describe(`getstats scenarios on ${kind}`, () => {
    let h: PipelineHarness;
    let berlin: PipelineHarness;
    before(async () => {
      h = await pipelineHarness(kind, NOW);
      for (const sdkappid of [HOURS_APP, CARRY_APP, BOTH_APP, VENDOR_APP, REACH_APP, COHORT_APP]) await h.apps.create({ sdkappid, name: `app ${sdkappid}`, createdAt: 0 });
      berlin = await pipelineHarness(kind, BERLIN_NOW, 250);
      await berlin.apps.create({ sdkappid: BERLIN_APP, name: 'Berlin', timezone: 'Europe/Berlin', createdAt: 0 });
    });
    after(async () => {
      await h.close();
      await berlin.close();
    });

    test('a session across 3 hours: carried into each hour it spans, counted once in the day', async () => {
      const e = (local: string, type: string, f: object) => ev(HOURS_APP, sh(`2024-06-10T${local}`), type, f);
      const r = await h.ingest([
        e('10:20:00', 'user.login', { user: 'alice', platform: 'iOS' }),
        e('11:05:00', 'user.login', { user: 'bob', platform: 'Web' }),
        e('11:10:00', 'msg.c2c', { from: 'bob', to: 'alice', platform: 'Web' }), // alice online: delivered
        e('11:30:00', 'user.logout', { user: 'bob', platform: 'Web' }),
        e('12:40:00', 'user.logout', { user: 'alice', platform: 'iOS' }),
      ]);
      assert.deepEqual(r.errors, []);
      const { rows } = await getStats(h, HOURS_APP, { Grain: 'hour', Start: '2024061010', End: '2024061013', Fields: msgFields }, NOW);
      const row = (Bucket: string, v: Record<string, number>) => statsRow(msgFields, { Bucket, Final: 1, ...v });
      assert.deepEqual(rows, [
        // 10: alice logs in.
        row('2024061010', { ActiveUserNum: 1, LoginTimes: 1, LoginUserNum: 1, MaxOnlineNum: 1 }),
        // 11: alice online at its start (carried), bob logs in (2 online) and sends to alice.
        row('2024061011', { ActiveUserNum: 2, LoginTimes: 1, LoginUserNum: 1, MaxOnlineNum: 2, C2CUpMsgNum: 1, UpMsgNum: 1, C2CDownMsgNum: 1, DownMsgNum: 1, C2CSendMsgUserNum: 1, SendMsgUserNum: 1 }),
        // 12: alice still online at its start, logs out at 12:40.
        row('2024061012', { ActiveUserNum: 1, MaxOnlineNum: 1 }),
        // 13: nobody.
        row('2024061013', {}),
      ]);
      const [day] = (await getStats(h, HOURS_APP, { Start: '20240610', End: '20240610', Fields: msgFields }, NOW)).rows;
      assert.deepEqual(day, statsRow(msgFields, { Bucket: '20240610', Final: 1, ActiveUserNum: 2, LoginTimes: 2, LoginUserNum: 2, MaxOnlineNum: 2, C2CUpMsgNum: 1, UpMsgNum: 1, C2CDownMsgNum: 1, DownMsgNum: 1, C2CSendMsgUserNum: 1, SendMsgUserNum: 1 }));
      // By platform, hour 11: iOS has alice carried over; Web has bob's login and message.
      const byPlatform = (await getStats(h, HOURS_APP, { Grain: 'hour', Start: '2024061011', End: '2024061011', By: 'platform' }, NOW)).rows;
      const p = (Platform: string, v: Record<string, number>) => statsRow(PLATFORM_FIELDS, { Bucket: '2024061011', Final: 1, Platform, ...v });
      assert.deepEqual(byPlatform, [
        p('Web', { ActiveUserNum: 1, LoginTimes: 1, LoginUserNum: 1, MaxOnlineNum: 1, C2CUpMsgNum: 1, UpMsgNum: 1, C2CSendMsgUserNum: 1, SendMsgUserNum: 1 }),
        p('iOS', { ActiveUserNum: 1, MaxOnlineNum: 1 }),
      ]);
    });

    test('carry-over into the first hour of a day', async () => {
      await h.ingest([
        ev(CARRY_APP, sh('2024-06-11T23:50:00'), 'user.login', { user: 'carol', platform: 'Android' }),
        ev(CARRY_APP, sh('2024-06-12T00:30:00'), 'user.logout', { user: 'carol', platform: 'Android' }),
      ]);
      const { rows } = await getStats(h, CARRY_APP, { Grain: 'hour', Start: '2024061123', End: '2024061201', Fields: presence }, NOW);
      assert.deepEqual(rows, [
        statsRow(presence, { Bucket: '2024061123', Final: 1, ActiveUserNum: 1, LoginTimes: 1, LoginUserNum: 1, MaxOnlineNum: 1 }),
        // Online when the 12th began: active and peak 1 in its first hour, no login.
        statsRow(presence, { Bucket: '2024061200', Final: 1, ActiveUserNum: 1, MaxOnlineNum: 1 }),
        statsRow(presence, { Bucket: '2024061201', Final: 1 }),
      ]);
      const days = (await getStats(h, CARRY_APP, { Start: '20240611', End: '20240612', Fields: presence }, NOW)).rows;
      assert.deepEqual(days, [
        statsRow(presence, { Bucket: '20240611', Final: 1, ActiveUserNum: 1, LoginTimes: 1, LoginUserNum: 1, MaxOnlineNum: 1 }),
        statsRow(presence, { Bucket: '20240612', Final: 1, ActiveUserNum: 1, MaxOnlineNum: 1 }),
      ]);
    });

    test('one user on iOS and Web at once: once in the total, once in each platform', async () => {
      const e = (local: string, type: string, platform: string) => ev(BOTH_APP, sh(`2024-06-13T${local}`), type, { user: 'gina', platform });
      await h.ingest([e('10:00:00', 'user.login', 'iOS'), e('10:05:00', 'user.login', 'Web'), e('10:30:00', 'user.logout', 'iOS'), e('10:40:00', 'user.logout', 'Web')]);
      const [total] = (await getStats(h, BOTH_APP, { Grain: 'hour', Start: '2024061310', End: '2024061310', Fields: presence }, NOW)).rows;
      assert.deepEqual(total, statsRow(presence, { Bucket: '2024061310', Final: 1, ActiveUserNum: 1, LoginTimes: 2, LoginUserNum: 1, MaxOnlineNum: 1 }));
      const rows = (await getStats(h, BOTH_APP, { Grain: 'hour', Start: '2024061310', End: '2024061310', By: 'platform', Fields: presence }, NOW)).rows;
      const p = (Platform: string) => statsRow(presence, { Bucket: '2024061310', Final: 1, Platform, ActiveUserNum: 1, LoginTimes: 1, LoginUserNum: 1, MaxOnlineNum: 1 });
      assert.deepEqual(rows, [p('Web'), p('iOS')]);
    });

    test('vendors: pushes of every vendor, APNs among them', async () => {
      const push = (minute: string, chat: string, vendor: string) => ev(VENDOR_APP, sh(`2024-06-14T09:${minute}:00`), 'push', { chat, vendor });
      await h.ingest([push('01', 'c2c', 'apns'), push('02', 'c2c', 'APNs'), push('03', 'group', 'fcm'), push('04', 'c2c', 'huawei')]);
      const fields = ['APNSMsgNum', 'C2CAPNSMsgNum', 'C2CPushNum', 'GroupAPNSMsgNum', 'GroupPushNum', 'PushNum'];
      const [day] = (await getStats(h, VENDOR_APP, { Start: '20240614', End: '20240614', Fields: fields }, NOW)).rows;
      // 4 pushes: 3 one-to-one (2 APNs, vendor names are lower-cased), 1 group.
      assert.deepEqual(day, statsRow(fields, { Bucket: '20240614', Final: 1, APNSMsgNum: 2, C2CAPNSMsgNum: 2, C2CPushNum: 3, GroupPushNum: 1, PushNum: 4 }));
      const rows = (await getStats(h, VENDOR_APP, { Grain: 'hour', Start: '2024061409', End: '2024061409', By: 'vendor' }, NOW)).rows;
      const v = (Vendor: string, c2c: number, group: number) => ({ Bucket: '2024061409', C2CPushNum: String(c2c), Final: '1', GroupPushNum: String(group), PushNum: String(c2c + group), Vendor });
      assert.deepEqual(rows, [v('apns', 2, 0), v('fcm', 0, 1), v('huawei', 1, 0)]);
    });

    test('WAU and MAU across a month end', async () => {
      const active = (day: string, user: string) => [
        ev(REACH_APP, sh(`${day}T10:00:00`), 'user.login', { user }),
        ev(REACH_APP, sh(`${day}T10:01:00`), 'user.logout', { user }),
      ];
      await h.ingest([...active('2024-05-20', 'u1'), ...active('2024-05-31', 'u2'), ...active('2024-06-01', 'u1'), ...active('2024-06-01', 'u3'), ...active('2024-06-07', 'u4')]);
      const fields = ['ActiveUserNum', 'ActiveUserNum30d', 'ActiveUserNum7d'];
      const rows = new Map((await getStats(h, REACH_APP, { Start: '20240601', End: '20240619', Fields: fields }, NOW)).rows.map((r) => [r.Bucket, r]));
      const expect = (day: string, a: number, d7: number, d30: number) =>
        assert.deepEqual(rows.get(day), statsRow(fields, { Bucket: day, Final: 1, ActiveUserNum: a, ActiveUserNum7d: d7, ActiveUserNum30d: d30 }), day);
      expect('20240601', 2, 3, 3); // 7d 05-26…06-01: u2, u1, u3; 30d 05-03…06-01: u1, u2, u3
      expect('20240606', 0, 3, 3); // 7d 05-31…06-06: u2, u1, u3
      expect('20240607', 1, 3, 4); // 7d 06-01…06-07: u1, u3, u4; 30d adds u2
      expect('20240608', 0, 1, 4); // 7d 06-02…06-08: u4
      expect('20240619', 0, 0, 4); // 30d 05-21…06-19: u2, u1 (06-01), u3, u4
      assert.equal(rows.size, 19);
    });

    test('D1, D7 and D30 cohorts; a cohort whose day +1 is today keeps growing', async () => {
      const at = (local: string, type: string, user: string) => ev(COHORT_APP, sh(local), type, { user });
      const visit = (day: string, user: string) => [at(`${day}T12:00:00`, 'user.login', user), at(`${day}T12:05:00`, 'user.logout', user)];
      await h.ingest([
        at('2024-05-18T09:00:00', 'user.register', 'r1'),
        at('2024-05-18T09:00:01', 'user.register', 'r2'),
        at('2024-05-18T09:00:02', 'user.register', 'r3'),
        ...visit('2024-05-19', 'r1'), // D1
        ...visit('2024-05-25', 'r2'), // D7
        ...visit('2024-05-26', 'r3'), // D8: no retention day
        ...visit('2024-06-17', 'r1'), // D30
        ...visit('2024-06-17', 'r3'), // D30
        at('2024-06-19T09:00:00', 'user.register', 'r4'),
        ...visit('2024-06-20', 'r4'), // today, D1 of 06-19
      ]);
      const fields = ['ActiveUserNum', 'RegistUserNumOneDay', 'RetainedD1', 'RetainedD30', 'RetainedD7'];
      const rows = new Map((await getStats(h, COHORT_APP, { Start: '20240518', End: '20240620', Fields: fields }, NOW)).rows.map((r) => [r.Bucket, r]));
      assert.deepEqual(rows.get('20240518'), statsRow(fields, { Bucket: '20240518', Final: 1, RegistUserNumOneDay: 3, RetainedD1: 1, RetainedD7: 1, RetainedD30: 2 }));
      assert.deepEqual(rows.get('20240619'), statsRow(fields, { Bucket: '20240619', Final: 1, RegistUserNumOneDay: 1, RetainedD1: 1 }));
      assert.deepEqual(rows.get('20240620'), statsRow(fields, { Bucket: '20240620', Final: 0, ActiveUserNum: 1 }));
    });

    test('Final and AsOf: today is live, an hour is settled 10 minutes after its end', async () => {
      const { rows, asOf } = await getStats(h, COHORT_APP, { Grain: 'hour', Start: '2024062018', End: '2024062020', Fields: ['LoginTimes'] }, NOW);
      // Now is 20:00:00: hour 19 ended 0 minutes ago, hour 18 an hour ago; 20 is in progress.
      assert.deepEqual(rows.map((r) => [r.Bucket, r.Final]), [['2024062018', '1'], ['2024062019', '0'], ['2024062020', '0']]);
      assert.equal(asOf, sh('2024-06-20T12:05:00'), 'the newest event applied');
      const later = await getStats(h, COHORT_APP, { Grain: 'hour', Start: '2024062019', End: '2024062019', Fields: ['LoginTimes'] }, NOW + 10 * 60_000 + 1);
      assert.equal(later.rows[0]!.Final, '1');
    });

    test('DST in Europe/Berlin: the skipped hour has no bucket, the repeated one is one bucket', async () => {
      const utc = (iso: string) => Date.parse(`${iso}Z`);
      const r = await berlin.ingest([
        // 2024-03-31: 02:00 CET becomes 03:00 CEST. dave 01:30 CET (00:30Z) … 03:30 CEST (01:30Z).
        ev(BERLIN_APP, utc('2024-03-31T00:30:00'), 'user.login', { user: 'dave' }),
        ev(BERLIN_APP, utc('2024-03-31T01:30:00'), 'user.logout', { user: 'dave' }),
        // 2024-10-27: 03:00 CEST becomes 02:00 CET. erin 02:10 CEST (00:10Z), frank 02:20 CET (01:20Z),
        // erin out 02:40 CET (01:40Z), frank out 03:05 CET (02:05Z).
        ev(BERLIN_APP, utc('2024-10-27T00:10:00'), 'user.login', { user: 'erin' }),
        ev(BERLIN_APP, utc('2024-10-27T01:20:00'), 'user.login', { user: 'frank' }),
        ev(BERLIN_APP, utc('2024-10-27T01:40:00'), 'user.logout', { user: 'erin' }),
        ev(BERLIN_APP, utc('2024-10-27T02:05:00'), 'user.logout', { user: 'frank' }),
      ]);
      assert.deepEqual(r.errors, []);
      const hours = (from: string, to: string) => getStats(berlin, BERLIN_APP, { Grain: 'hour', Start: from, End: to, Fields: presence }, BERLIN_NOW, 250);
      assert.deepEqual((await hours('2024033100', '2024033104')).rows, [
        statsRow(presence, { Bucket: '2024033100', Final: 1 }),
        statsRow(presence, { Bucket: '2024033101', Final: 1, ActiveUserNum: 1, LoginTimes: 1, LoginUserNum: 1, MaxOnlineNum: 1 }),
        // No 02. dave is online when 03:00 CEST begins.
        statsRow(presence, { Bucket: '2024033103', Final: 1, ActiveUserNum: 1, MaxOnlineNum: 1 }),
        statsRow(presence, { Bucket: '2024033104', Final: 1 }),
      ]);
      assert.deepEqual((await hours('2024102701', '2024102703')).rows, [
        statsRow(presence, { Bucket: '2024102701', Final: 1 }),
        // Both real 02:00 hours: erin and frank log in, both online at 01:20Z.
        statsRow(presence, { Bucket: '2024102702', Final: 1, ActiveUserNum: 2, LoginTimes: 2, LoginUserNum: 2, MaxOnlineNum: 2 }),
        statsRow(presence, { Bucket: '2024102703', Final: 1, ActiveUserNum: 1, MaxOnlineNum: 1 }),
      ]);
      assert.equal((await hours('2024033100', '2024033123')).rows.length, 23);
      assert.equal((await hours('2024102700', '2024102723')).rows.length, 24);
    });
  });
}
