// Every method of every store class fails with a classified StoreError when the database is gone,
// with no guard() written around it: the classification sits under every query (the dialect's
// GuardedKyselyDialect). The test enumerates the classes' methods, so a new one needs a call here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase, testDatabaseKinds } from '../../test/support/test-databases.js';
import { AppsRepo } from './apps-repo.js';
import { CallbackSignUsesRepo } from './callback-sign-uses-repo.js';
import { OpenImWebhooksRepo } from './openim-webhooks-repo.js';
import { SqlBatchStore } from './sql-batch-store.js';
import { StatsRepo } from './stats-repo.js';
import { openStore, type Store } from './store.js';
import { StoreError } from './store-error.js';
import { TokensRepo } from '../tokens/tokens-repo.js';
import { CallbackInbox } from '../inbox/callback-inbox.js';

const APP = 1400000001;
const NOW = Date.parse('2024-06-11T00:00:00Z');

/** One call per method, by class; every method of the prototype must have one. */
const CALLS = {
  AppsRepo: {
    make: (s: Store) => new AppsRepo(s),
    calls: {
      create: (r: AppsRepo) => r.create({ sdkappid: APP, name: 'n', createdAt: NOW }),
      get: (r: AppsRepo) => r.get(APP),
      require: (r: AppsRepo) => r.require(APP),
      list: (r: AppsRepo) => r.list(),
      addAdmin: (r: AppsRepo) => r.addAdmin(APP, 'ops'),
      removeAdmin: (r: AppsRepo) => r.removeAdmin(APP, 'ops'),
      rotateKey: (r: AppsRepo) => r.rotateKey(APP),
      setEnabled: (r: AppsRepo) => r.setEnabled(APP, false),
      setCallbackToken: (r: AppsRepo) => r.setCallbackToken(APP, 'token'),
      setBaselines: (r: AppsRepo) => r.setBaselines(APP, { registeredUsers: 1 }),
      version: (r: AppsRepo) => r.version(),
    },
  },
  StatsRepo: {
    make: (s: Store) => new StatsRepo(s),
    calls: {
      dataVersion: (r: StatsRepo) => r.dataVersion(APP),
      readRange: (r: StatsRepo) => r.readRange({ sdkappid: APP, grain: 'day', dim: '' }, '20240601', '20240610'),
      readRangeText: (r: StatsRepo) => r.readRangeText({ sdkappid: APP, grain: 'day', dim: '' }, '20240601', '20240610'),
      readSeries: (r: StatsRepo) => r.readSeries(APP, 'day', undefined, '20240601', '20240610'),
      netBefore: (r: StatsRepo) => r.netBefore(APP, 'day', '20240601'),
      firstDay: (r: StatsRepo) => r.firstDay(APP),
      daySets: (r: StatsRepo) => r.daySets(APP, 'ActiveUserNum', '20240601', '20240610'),
      newestEventTime: (r: StatsRepo) => r.newestEventTime(APP),
    },
  },
  OpenImWebhooksRepo: {
    make: (s: Store) => new OpenImWebhooksRepo(s),
    calls: {
      get: (r: OpenImWebhooksRepo) => r.get(APP),
      set: (r: OpenImWebhooksRepo) => r.set(APP, { secret: 'a-long-enough-secret-0123456789' }),
    },
  },
  CallbackSignUsesRepo: {
    make: (s: Store) => new CallbackSignUsesRepo(s),
    calls: {
      use: (r: CallbackSignUsesRepo) => r.use({ sdkappid: APP, requestTime: NOW / 1000, sign: 'ab', bodyHash: 'x', nowMs: NOW, burstMs: 1000 }),
      prune: (r: CallbackSignUsesRepo) => r.prune(NOW / 1000),
    },
  },
  TokensRepo: {
    make: (s: Store) => new TokensRepo(s),
    calls: {
      create: (r: TokensRepo) => r.create({ sdkappid: APP, now: NOW }),
      get: (r: TokensRepo) => r.get('id'),
      list: (r: TokensRepo) => r.list(),
      revoke: (r: TokensRepo) => r.revoke('id', NOW),
      touch: (r: TokensRepo) => r.touch('id', NOW),
    },
  },
  CallbackInbox: {
    make: (s: Store) => new CallbackInbox(s),
    calls: {
      add: (r: CallbackInbox) => r.add({ sdkappid: APP, transport: 'tencent', receivedAt: NOW, meta: {}, payload: '{}' }),
      oldest: (r: CallbackInbox) => r.oldest(APP, 10),
      remove: (r: CallbackInbox) => r.remove([1]),
      appsWaiting: (r: CallbackInbox) => r.appsWaiting(0),
      size: (r: CallbackInbox) => r.size(),
    },
  },
  SqlBatchStore: {
    make: (s: Store) => new SqlBatchStore(s),
    calls: {
      transaction: (r: SqlBatchStore) => r.transaction((tx) => tx.claimBatch({ transport: 'ndjson', sdkappid: APP, key: 'k' }, NOW)),
    },
  },
} as const;
const CLASSES = { AppsRepo, StatsRepo, OpenImWebhooksRepo, CallbackSignUsesRepo, TokensRepo, CallbackInbox, SqlBatchStore };

test('the table names every method of every store class', () => {
  for (const [name, cls] of Object.entries(CLASSES)) {
    const methods = Object.getOwnPropertyNames(cls.prototype).filter((m) => m !== 'constructor' && typeof (cls.prototype as never)[m] === 'function');
    assert.deepEqual(methods.sort(), Object.keys(CALLS[name as keyof typeof CALLS].calls).sort(), name);
  }
});

for (const kind of testDatabaseKinds()) {
  test(`with the database gone, every store method and a bare query fail with a StoreError (${kind})`, async () => {
    const database = await createTestDatabase(kind);
    const store = await openStore(database.url);
    try {
      await database.drop();
      const failures: string[] = [];
      for (const [name, { make, calls }] of Object.entries(CALLS)) {
        const repo = make(store);
        for (const [method, call] of Object.entries(calls)) {
          try {
            await (call as (r: unknown) => Promise<unknown>)(repo);
            failures.push(`${name}.${method} succeeded`);
          } catch (err) {
            if (!(err instanceof StoreError)) failures.push(`${name}.${method}: ${String(err)}`);
          }
        }
      }
      assert.deepEqual(failures, []);
      await assert.rejects(sql`select count(*) from apps`.execute(store.db), StoreError);
    } finally {
      await store.close();
    }
  });
}
