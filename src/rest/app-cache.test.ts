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

    test('over an AppsRepo: one version read per TTL for every app; a change from another node shows within the TTL', async () => {
      const repo = new AppsRepo(store);
      const reads: number[] = [];
      let versionReads = 0;
      const source = {
        get: (sdkappid: number) => {
          reads.push(sdkappid);
          return repo.get(sdkappid);
        },
        version: () => {
          versionReads++;
          return repo.version();
        },
      };
      const clock = fakeClock(0);
      const cache = new AppCache(source, { ttlMs: 1000, clock });
      const first = await cache.get(1);
      await cache.get(2);
      assert.equal(await cache.get(9), undefined);
      assert.deepEqual([reads, versionReads], [[1, 2, 9], 1]);
      // TTLs pass; nothing changed: one version read, no app read.
      for (let i = 0; i < 3; i++) {
        clock.advance(1000);
        assert.equal(await cache.get(1), first, 'the same object while nothing changed');
        await cache.get(2);
        await cache.get(9);
      }
      assert.deepEqual([reads, versionReads], [[1, 2, 9], 4]);
      // Another node (another repository on the same database) disables app 2.
      await new AppsRepo(store).setEnabled(2, false);
      assert.equal((await cache.get(2))?.enabled, true, 'within the TTL the cached app stands');
      clock.advance(1000);
      assert.equal((await cache.get(2))?.enabled, false, 'after the TTL the change shows');
      assert.equal(await cache.get(1), first, 'an app read again unchanged stays the same object');
      assert.deepEqual(reads, [1, 2, 9, 2, 1]);
      await new AppsRepo(store).setEnabled(2, true);
      await new AppsRepo(store).create({ sdkappid: 9, name: 'app 9' });
      clock.advance(1000);
      assert.equal((await cache.get(9))?.name, 'app 9', 'an app created elsewhere shows after the TTL');
      assert.equal(cache.getNow(9) instanceof Promise, false, 'a cached app is answered synchronously');
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
