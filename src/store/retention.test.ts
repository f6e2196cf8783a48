import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pruneExpired } from './retention.js';
import { pipelineHarness } from '../../test/support/pipeline-harness.js';
import { testDatabaseKinds } from '../../test/support/test-databases.js';

const APP = 1400000055;
const NOW = Date.parse('2024-06-20T12:00:00Z');

for (const kind of testDatabaseKinds()) {
  test(`pruning drops expired per-user detail and batch ids, keeps the daily numbers (${kind})`, async () => {
    const h = await pipelineHarness(kind, NOW);
    try {
      await h.apps.create({ sdkappid: APP, name: 'retention' });
      const login = (user: string, iso: string) => ({ type: 'user.login', time: Date.parse(iso), sdkappid: APP, user });
      const logout = { type: 'user.logout', time: Date.parse('2024-05-20T11:00:00+08:00'), sdkappid: APP, user: 'old' };
      await h.ingest([login('old', '2024-05-20T10:00:00+08:00'), logout, login('new', '2024-06-19T10:00:00+08:00')], { batchId: 'b1' });
      const sets = () => h.store.db.selectFrom('stat_sets').select(['grain', 'bucket', 'dim', 'field']).where('sdkappid', '=', APP).execute();
      const keys = async () => new Set((await sets()).map((r) => `${r.grain} ${r.bucket} ${r.dim} ${r.field}`));
      // Per user: LoginUserNum and ActiveUserNum × (day, hour) × (all platforms, platform:Unknown);
      // "old", still online when 11:00 began (the logout), is also active in hour 11 (2 sets).
      assert.equal((await sets()).length, 18);

      // Ten days later, with the default 35-day window, 2024-05-20 has left the window: only its
      // all-platform day set of active users stays, for WAU/MAU and retention of later days.
      const result = await pruneExpired(h.store, NOW + 10 * 86_400_000, 35);
      assert.equal(result.sets, 9);
      const left = await keys();
      assert.equal(left.size, 9);
      assert.ok(left.has('day 20240520  ActiveUserNum'));
      assert.ok(!left.has('day 20240520  LoginUserNum'));
      assert.ok(left.has('hour 2024061910 platform:Unknown LoginUserNum'));
      assert.equal((await h.day(APP, '20240520')).LoginUserNum, 1, 'the daily number is kept');
      assert.equal(result.batches, 0);
      // 31 days more and it goes too, with the batch id, remembered for the window; by then
      // 2024-06-19 has left the window as well, but for its day set of active users.
      const later = await pruneExpired(h.store, NOW + 41 * 86_400_000, 35);
      assert.deepEqual(later, { sets: 1 + 7, batches: 1 });
      assert.deepEqual([...(await keys())], ['day 20240619  ActiveUserNum']);

    } finally {
      await h.close();
    }
  });
}
