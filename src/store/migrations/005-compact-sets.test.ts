// A database filled by the row-per-member model (001) is brought forward by 005 with its data
// intact: getappinfo's numbers are unchanged, and later events dedupe against the old members
// and start from the old sessions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Migrator } from 'kysely';
import { migrations } from './index.js';
import { createTestDatabase, testDatabaseKinds } from '../../../test/support/test-databases.js';
import { openStore } from '../store.js';
import { zeroCounters } from '../../catalog/fields.js';
import { dailyReport } from '../../report/daily-report.js';
import { StatsRepo } from '../stats-repo.js';
import { AppsRepo } from '../apps-repo.js';
import { ingestorForStore } from '../../ingest/ingestor-for-store.js';
import { getStats } from '../../../test/support/stats-harness.js';
import type { PipelineHarness } from '../../../test/support/pipeline-harness.js';

const APP = 1400000505;
const NOW = Date.parse('2024-06-11T06:00:00Z'); // 14:00 in Shanghai
const sh = (local: string) => Date.parse(`${local}+08:00`);

for (const kind of testDatabaseKinds()) {
  test(`migration 005 keeps a filled database's numbers and members (${kind})`, async () => {
    const database = await createTestDatabase(kind);
    const store = await openStore(database.url, { migrate: false });
    try {
      const migrator = new Migrator({ db: store.db, provider: { getMigrations: async () => migrations(store.dialect) } });
      // Everything before 005: the database as the previous release left it.
      const previous = Object.keys(migrations(store.dialect)).sort().filter((name) => name < '005').at(-1)!;
      assert.equal((await migrator.migrateTo(previous)).error, undefined);
      const apps = new AppsRepo(store);
      const db = store.db as never as import('kysely').Kysely<any>;
      // The app as the previous release wrote it (today's AppsRepo also bumps apps_version, migration 012).
      await db
        .insertInto('apps')
        .values({ sdkappid: APP, name: 'filled before', company: '', secret_key: 'k', timezone: 'Asia/Shanghai', enabled: 1, created_at: 0, callback_token: null, registered_baseline: 0, group_baseline: 0 })
        .execute();
      await db.insertInto('app_admins').values({ sdkappid: APP, identifier: 'administrator' }).execute();
      // What the 001 writer left after: 2024-06-10 alice and bob log in (3 logins), alice sends
      // 4 one-to-one messages, 5 users register; 2024-06-11 alice, still online on iOS, sends a
      // group message in g1 at 10:00.
      const day = (bucket: string, values: object) => db.insertInto('stats').values({ sdkappid: APP, grain: 'day', bucket, dim: '', ...zeroCounters(), ...values }).execute();
      await day('20240610', { ActiveUserNum: 2, LoginUserNum: 2, LoginTimes: 3, MaxOnlineNum: 2, RegistUserNumOneDay: 5, RegistUserNumTotal: 5, C2CUpMsgNum: 4, UpMsgNum: 4, C2CSendMsgUserNum: 1, SendMsgUserNum: 1 });
      await day('20240611', { ActiveUserNum: 1, MaxOnlineNum: 1, GroupUpMsgNum: 1, UpMsgNum: 1, GroupSendMsgUserNum: 1, SendMsgUserNum: 1, GroupSendMsgGroupNum: 1 });
      const member = (bucket: string, field: string, m: string) => ({ sdkappid: APP, grain: 'day', bucket, dim: '', field, member: m });
      await db
        .insertInto('stat_members')
        .values([
          member('20240610', 'ActiveUserNum', 'alice'),
          member('20240610', 'ActiveUserNum', 'bob'),
          member('20240610', 'LoginUserNum', 'alice'),
          member('20240610', 'LoginUserNum', 'bob'),
          member('20240610', 'C2CSendMsgUserNum', 'alice'),
          member('20240610', 'SendMsgUserNum', 'alice'),
          member('20240611', 'ActiveUserNum', 'alice'),
          member('20240611', 'GroupSendMsgUserNum', 'alice'),
          member('20240611', 'SendMsgUserNum', 'alice'),
          member('20240611', 'GroupSendMsgGroupNum', 'g1'),
        ])
        .execute();
      await db.insertInto('app_state').values({ sdkappid: APP, presence_clock: sh('2024-06-11T10:00:00'), online_users: 1, version: 3 }).execute();
      await db.insertInto('sessions').values({ sdkappid: APP, user_id: 'alice', platform: 'iOS' }).execute();
      const stats = new StatsRepo(store);
      const app = await apps.require(APP);
      const report = () => dailyReport(stats, app, { from: '20240609', to: '20240611' });
      const before = await report();

      const { error, results } = await migrator.migrateToLatest();
      assert.equal(error, undefined);
      assert.ok(results!.some((r) => r.migrationName === '005-compact-sets' && r.status === 'Success'));
      assert.deepEqual(await report(), before, 'getappinfo numbers unchanged');

      // Later events: bob logs in on iOS at 11:00 (alice carried into hour 11), alice sends again.
      const ingestor = ingestorForStore(store, { apps, clock: () => NOW });
      const result = await ingestor.ingest(
        [
          { type: 'user.login', time: sh('2024-06-11T11:00:00'), sdkappid: APP, user: 'bob', platform: 'iOS' },
          { type: 'msg.group', time: sh('2024-06-11T11:01:00'), sdkappid: APP, from: 'alice', group: 'g1', platform: 'iOS' },
        ].map((value, i) => ({ line: i + 1, value })),
      );
      assert.deepEqual(result.errors, []);
      const h = { apps, store } as unknown as PipelineHarness;
      const fields = ['ActiveUserNum', 'GroupSendMsgGroupNum', 'GroupUpMsgNum', 'LoginUserNum', 'MaxOnlineNum', 'SendMsgUserNum'];
      const [d11] = (await getStats(h, APP, { Start: '20240611', End: '20240611', Fields: fields }, NOW)).rows;
      // bob is new on the 11th; alice and g1 were already counted.
      assert.deepEqual(d11, { ActiveUserNum: '2', Bucket: '20240611', Final: '0', GroupSendMsgGroupNum: '1', GroupUpMsgNum: '2', LoginUserNum: '1', MaxOnlineNum: '2', SendMsgUserNum: '1' });
      const [ios] = (await getStats(h, APP, { Grain: 'hour', Start: '2024061111', End: '2024061111', By: 'platform', Fields: ['ActiveUserNum', 'MaxOnlineNum'] }, NOW)).rows;
      // alice's migrated iOS session and bob's: 2 online on iOS.
      assert.deepEqual(ios, { ActiveUserNum: '2', Bucket: '2024061111', Final: '1', MaxOnlineNum: '2', Platform: 'iOS' });
      const [d10] = (await getStats(h, APP, { Start: '20240610', End: '20240610' }, NOW)).rows;
      const [appinfo10] = (await dailyReport(stats, app, { from: '20240610', to: '20240610' }));
      for (const [f, v] of Object.entries(appinfo10!)) if (d10![f] !== undefined) assert.equal(d10![f], v, f);
    } finally {
      await store.close();
      await database.drop();
    }
  });
}
