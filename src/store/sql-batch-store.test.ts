// The process-local cache of app state (aggregate/app-state-cache.ts) behind SqlBatchStore: it
// saves the reloads it should, and another writer of the same app in between makes it reload, so
// the numbers stay those of one writer.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppStateCache } from '../aggregate/app-state-cache.js';
import type { NumberedValue } from '../events/parse-ndjson.js';
import { Ingestor } from '../ingest/ingestor.js';
import { dailyReport, type DayReport } from '../report/daily-report.js';
import { openTestStore, testDatabaseKinds } from '../../test/support/test-databases.js';
import { AppsRepo } from './apps-repo.js';
import { SqlBatchStore } from './sql-batch-store.js';
import { StatsRepo } from './stats-repo.js';
import type { Store } from './store.js';

const NOW = Date.parse('2024-06-20T12:00:00Z');
const START = Date.parse('2024-06-10T00:00:00+08:00');

/** A deterministic stream over a few days from small id pools, so state is read and changed a lot. */
function events(count: number): object[] {
  let seed = 4242;
  const rand = (n: number) => Math.floor((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 65536) % n;
  let time = START;
  const out: object[] = [];
  for (let i = 0; i < count; i++) {
    time += rand(12) * 60_000;
    const user = `u${rand(12)}`;
    const peer = `u${rand(12)}`;
    const group = `g${rand(4)}`;
    const platform = ['iOS', 'Android', 'Web'][rand(3)];
    const kinds = [
      { type: 'user.register', user },
      { type: 'user.delete', user },
      { type: 'user.login', user, platform },
      { type: 'user.login', user, platform },
      { type: 'user.logout', user, platform },
      { type: 'msg.c2c', from: user, to: peer },
      { type: 'msg.group', from: user, group },
      { type: 'msg.group', from: user, group },
      { type: 'group.create', group, owner: user, members: [peer] },
      { type: 'group.destroy', group },
      { type: 'group.join', group, user },
      { type: 'group.quit', group, user },
    ];
    out.push({ ...kinds[rand(kinds.length)], time });
  }
  return out;
}

for (const kind of testDatabaseKinds()) {
  describe(`SqlBatchStore's state cache on ${kind}`, () => {
    let store: Store;
    let apps: AppsRepo;
    let nextApp = 1400200000;
    before(async () => {
      store = await openTestStore(kind);
      apps = new AppsRepo(store);
    });
    after(() => store.close());

    const ingestorOf = (batches: SqlBatchStore) => new Ingestor(batches, async (id) => (await apps.get(id))?.timezone, { clock: () => NOW });
    async function ingest(ingestor: Ingestor, sdkappid: number, batch: readonly object[]): Promise<void> {
      const values = batch.map((e, i): NumberedValue => ({ line: i + 1, value: { ...e, sdkappid } }));
      const result = await ingestor.ingest(values);
      assert.deepEqual(result.errors, []);
    }
    async function newApp(): Promise<number> {
      const sdkappid = nextApp++;
      await apps.create({ sdkappid, name: 'cache', createdAt: 0 });
      return sdkappid;
    }
    async function days(sdkappid: number): Promise<Omit<DayReport, 'AppId'>[]> {
      const app = await apps.require(sdkappid);
      const report = await dailyReport(new StatsRepo(store), { ...app, createdAt: 0 }, { from: '20240609', to: '20240620' });
      return report.map(({ AppId: _, ...numbers }) => numbers);
    }

    test('a batch touching only ids the process read or wrote before reads no state from the database', async () => {
      const sdkappid = await newApp();
      const batches = new SqlBatchStore(store);
      const ingestor = ingestorOf(batches);
      const t = (minutes: number) => START + minutes * 60_000;
      await ingest(ingestor, sdkappid, [
        { type: 'user.register', user: 'a', time: t(1) },
        { type: 'user.login', user: 'a', platform: 'iOS', time: t(2) },
        { type: 'group.create', group: 'g', owner: 'a', members: ['a', 'b'], time: t(3) },
        { type: 'msg.c2c', from: 'a', to: 'b', time: t(4) },
      ]);
      const first = { ...batches.loads };
      assert.ok(first.queries > 0);
      await ingest(ingestor, sdkappid, [
        { type: 'user.register', user: 'a', time: t(5) },
        { type: 'user.login', user: 'b', platform: 'Web', time: t(6) },
        { type: 'msg.group', from: 'a', group: 'g', time: t(7) },
        { type: 'group.join', group: 'g', user: 'a', time: t(8) },
        { type: 'user.logout', user: 'a', platform: 'iOS', time: t(9) },
      ]);
      assert.deepEqual(batches.loads, first, 'every id of the second batch came from the cache');
      await ingest(ingestor, sdkappid, [{ type: 'user.register', user: 'c', time: t(10) }]);
      assert.deepEqual(batches.loads, { queries: first.queries + 1, ids: first.ids + 1 }, 'only the new id is read');

      // Another writer of the app in between: the next batch reads again.
      await ingest(ingestorOf(new SqlBatchStore(store)), sdkappid, [{ type: 'user.delete', user: 'a', time: t(11) }]);
      const beforeReload = { ...batches.loads };
      await ingest(ingestor, sdkappid, [{ type: 'user.register', user: 'a', time: t(12) }]);
      assert.ok(batches.loads.queries > beforeReload.queries, 'the cache was dropped after the other write');
      const day = (await days(sdkappid)).find((d) => d.Date === '20240610');
      // a, then c, then a again after the other writer deleted it.
      assert.equal(day!.RegistUserNumOneDay, '3');
    });

    test('two stores writing one app batch by batch, a cached one and an uncached one all give the same numbers', async () => {
      const stream = events(1500);
      const uncached = await newApp();
      const single = await newApp();
      const shared = await newApp();
      const none = ingestorOf(new SqlBatchStore(store, new AppStateCache(0)));
      const one = ingestorOf(new SqlBatchStore(store));
      const storeA = new SqlBatchStore(store);
      const pair = [ingestorOf(storeA), ingestorOf(new SqlBatchStore(store))];
      let pick = 99;
      const cuts: number[] = [0];
      while (cuts.at(-1)! < stream.length) cuts.push(Math.min(stream.length, cuts.at(-1)! + 1 + ((pick = (pick * 69069 + 1) % 2 ** 32) >>> 20) % 60));
      for (let i = 1; i < cuts.length; i++) {
        const batch = stream.slice(cuts[i - 1], cuts[i]);
        await ingest(none, uncached, batch);
        await ingest(one, single, batch);
        // Runs of one writer (so its cache is used) and switches (so it must be dropped).
        await ingest(pair[(i >> 1) % 2]!, shared, batch);
      }
      const expected = await days(uncached);
      assert.ok(expected.some((d) => Number(d.GroupDownMsgNum) > 0 && Number(d.RegistUserNumTotal) > 0 && Number(d.MaxOnlineNum) > 1));
      assert.deepEqual(await days(single), expected);
      assert.deepEqual(await days(shared), expected);
      assert.ok(storeA.loads.queries > 0);
    });
  });
}
