import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { fakeClock } from '../../test/support/fake-clock.js';
import { AppsRepo } from '../store/apps-repo.js';
import { StoreError } from '../store/store-error.js';
import type { Store } from '../store/store.js';
import { openTestStore, testDatabaseKinds } from '../../test/support/test-databases.js';
import { AppCache } from './app-cache.js';

for (const kind of testDatabaseKinds()) {
  describe(`app cache over ${kind}`, () => {
    let store: Store;
    let calls: number[];
    /** The real repository, with each read written down. */
    let counted: Pick<AppsRepo, 'get'>;
    before(async () => {
      store = await openTestStore(kind);
      const repo = new AppsRepo(store);
      for (const sdkappid of [1, 2, 3]) await repo.create({ sdkappid, name: `app ${sdkappid}` });
      counted = {
        get: (sdkappid) => {
          calls.push(sdkappid);
          return repo.get(sdkappid);
        },
      };
    });
    after(() => store.close());

    test('an app is read once per TTL; after the TTL it is read again', async () => {
      calls = [];
      const clock = fakeClock(0);
      const cache = new AppCache(counted, { ttlMs: 1000, clock });
      assert.equal((await cache.get(1))?.name, 'app 1');
      clock.advance(999);
      assert.equal((await cache.get(1))?.name, 'app 1');
      assert.deepEqual(calls, [1]);
      clock.advance(1);
      await cache.get(1);
      assert.deepEqual(calls, [1, 1]);
    });

    test('unknown apps are cached too; concurrent misses share one read', async () => {
      calls = [];
      const cache = new AppCache(counted, { clock: fakeClock(0) });
      assert.deepEqual(await Promise.all([cache.get(7), cache.get(7), cache.get(7)]), [undefined, undefined, undefined]);
      await cache.get(7);
      assert.deepEqual(calls, [7]);
    });

    test('failures are not cached: the first call after an outage reads again', async () => {
      calls = [];
      const cache = new AppCache(counted, { clock: fakeClock(0) });
      await sql`alter table apps rename to apps_moved`.execute(store.db);
      try {
        await assert.rejects(cache.get(1), StoreError);
      } finally {
        await sql`alter table apps_moved rename to apps`.execute(store.db);
      }
      assert.equal((await cache.get(1))?.name, 'app 1');
      assert.deepEqual(calls, [1, 1]);
    });

    test('bounded: beyond maxEntries the oldest app is dropped; forget() drops one', async () => {
      calls = [];
      const cache = new AppCache(counted, { maxEntries: 2, clock: fakeClock(0) });
      for (const id of [1, 2, 3, 1]) await cache.get(id);
      assert.deepEqual(calls, [1, 2, 3, 1]);
      cache.forget(3);
      await cache.get(3);
      assert.deepEqual(calls, [1, 2, 3, 1, 3]);
    });
  });
}
