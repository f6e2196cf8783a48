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
      const members = () => h.store.db.selectFrom('stat_members').select('bucket').where('sdkappid', '=', APP).execute();
      assert.deepEqual(new Set((await members()).map((r) => r.bucket)), new Set(['20240520', '20240619']));

      // Ten days later, with the default 35-day window, 2024-05-20 has left the window.
      const result = await pruneExpired(h.store, NOW + 10 * 86_400_000, 35);
      assert.equal(result.members, 2); // LoginUserNum and ActiveUserNum for "old"
      assert.deepEqual(new Set((await members()).map((r) => r.bucket)), new Set(['20240619']));
      assert.equal((await h.day(APP, '20240520')).LoginUserNum, 1, 'the daily number is kept');

      // Batch ids are remembered for the window too.
      assert.equal((await pruneExpired(h.store, NOW + 37 * 86_400_000, 35)).batches, 1);
    } finally {
      await h.close();
    }
  });
}
