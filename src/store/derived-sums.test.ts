// UpMsgNum, DownMsgNum and APNSMsgNum are sums of two fields (metrics.md): derived on read from
// their parts, never tallied or written. Real pipeline and database; values worked out by hand.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabaseKinds } from '../../test/support/test-databases.js';
import { pipelineHarness, type PipelineHarness } from '../../test/support/pipeline-harness.js';
import { getStats } from '../../test/support/stats-harness.js';

const NOW = Date.parse('2024-06-20T12:00:00Z');
const APP = 1400000501;
const at = (local: string) => Date.parse(`2024-06-12T${local}+08:00`);

for (const kind of testDatabaseKinds()) {
  describe(`derived sums on ${kind}`, () => {
    let h: PipelineHarness;
    before(async () => {
      h = await pipelineHarness(kind, NOW);
      await h.apps.create({ sdkappid: APP, name: 'derived', createdAt: 0 });
      const e = (time: string, type: string, f: object) => ({ type, time: at(time), sdkappid: APP, ...f });
      const r = await h.ingest([
        e('09:00:00', 'group.create', { group: 'g', owner: 'a', members: ['a', 'b', 'c'] }),
        e('09:01:00', 'user.login', { user: 'a', platform: 'iOS' }),
        e('09:02:00', 'user.login', { user: 'b', platform: 'Web' }),
        e('09:03:00', 'msg.c2c', { from: 'a', to: 'b', platform: 'iOS' }), // b online: 1 delivery
        e('09:04:00', 'msg.c2c', { from: 'a', to: 'c', platform: 'iOS' }), // c offline: none
        e('09:05:00', 'msg.group', { from: 'b', group: 'g', platform: 'Web' }), // a online, c not: 1
        e('09:06:00', 'push', { chat: 'c2c', vendor: 'apns', to: 'c' }),
        e('09:07:00', 'push', { chat: 'group', vendor: 'apns', to: 'c' }),
        e('09:08:00', 'push', { chat: 'group', vendor: 'fcm', to: 'c' }),
      ]);
      assert.deepEqual(r.errors, []);
    });
    after(() => h.close());

    test('getappinfo and getstats show each as the sum of its parts', async () => {
      const day = await h.day(APP, '20240612');
      assert.deepEqual(
        [day.C2CUpMsgNum, day.GroupUpMsgNum, day.UpMsgNum, day.C2CDownMsgNum, day.GroupDownMsgNum, day.DownMsgNum, day.C2CAPNSMsgNum, day.GroupAPNSMsgNum, day.APNSMsgNum],
        [2, 1, 3, 1, 1, 2, 1, 1, 2],
      );
      const { rows } = await getStats(h, APP, { Grain: 'hour', Start: '2024061209', End: '2024061209', By: 'platform', Fields: ['UpMsgNum'] }, NOW);
      assert.deepEqual(rows.map((r) => [r.Platform, r.UpMsgNum]), [['Web', '1'], ['iOS', '2']]);
    });

    test('their own columns are neither written nor read', async () => {
      const rows = await h.store.db.selectFrom('stats').select(['UpMsgNum', 'DownMsgNum', 'APNSMsgNum']).where('sdkappid', '=', APP).execute();
      assert.ok(rows.length > 0);
      for (const r of rows) assert.deepEqual([r.UpMsgNum, r.DownMsgNum, r.APNSMsgNum].map(Number), [0, 0, 0]);
      // A value left in them (say, by a database written before the change) changes nothing.
      await h.store.db.updateTable('stats').set({ UpMsgNum: 999, DownMsgNum: 999, APNSMsgNum: 999 }).where('sdkappid', '=', APP).execute();
      const day = await h.day(APP, '20240612');
      assert.deepEqual([day.UpMsgNum, day.DownMsgNum, day.APNSMsgNum], [3, 2, 2]);
    });
  });
}
