// Dense per-app member ids (member_ids, app_state.next_member_id) and the process's memory of
// them (MemberIdCache) when a transaction that handed ids out does not commit: rolled back by a
// failure, or chosen as a deadlock victim and retried. Another store on the same database is
// another node with its own memory. An id remembered from a transaction that did not commit
// would be handed out again by the next writer, and two senders would then share one kept id.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cloneState, diffState } from '../aggregate/app-state.js';
import type { BatchTransaction } from '../aggregate/batch-store.js';
import { decodeIdSet } from '../aggregate/id-set.js';
import { crossesHour, reduceAppBatch } from '../aggregate/reduce-app-batch.js';
import { stateNeeds } from '../aggregate/state-needs.js';
import type { ImEvent } from '../events/event.js';
import { validateEvent } from '../events/validate-event.js';
import { dayOfZone } from '../time/day-of.js';
import { openTestStore, testDatabaseKinds } from '../../test/support/test-databases.js';
import { AppsRepo } from './apps-repo.js';
import { SqlBatchStore } from './sql-batch-store.js';
import type { Store } from './store.js';

const NOW = Date.parse('2024-06-20T12:00:00Z');
const T0 = Date.parse('2024-06-20T08:00:00Z');
const UTC = dayOfZone('UTC');

/** One C2C message from each sender (to `peer`), a second apart from `second` on. */
function messages(sdkappid: number, senders: readonly string[], second = 0): ImEvent[] {
  return senders.map((from, i) => {
    const v = validateEvent({ type: 'msg.c2c', from, to: 'peer', time: T0 + (second + i) * 1000, sdkappid }, { nowMs: NOW, retentionDays: 35 });
    assert.ok(v.ok, v.ok ? '' : v.reason);
    return v.event;
  });
}

/** What apply-batch does for each app, in the order given (apply-batch itself locks apps in ascending order). */
async function applyInOrder(tx: BatchTransaction, apps: ReadonlyArray<readonly [number, ImEvent[]]>, afterFirst: () => Promise<void> = async () => {}): Promise<void> {
  for (const [i, [sdkappid, events]] of apps.entries()) {
    const before = await tx.lockAndLoad(sdkappid, (clock) => stateNeeds(events, crossesHour(events, clock, UTC)));
    const state = cloneState(before);
    const tally = reduceAppBatch(events, state, { dayOf: UTC, maxCarryDays: 35 });
    await tx.write(sdkappid, tally.buckets(), diffState(before, state), state);
    if (i === 0) await afterFirst();
  }
}

interface Kept {
  /** Senders in the app's C2CSendMsgUserNum day set, by name. */
  readonly senders: string[];
  /** The day's C2CSendMsgUserNum and C2CUpMsgNum columns. */
  readonly distinct: number;
  readonly messages: number;
}

/** The app's kept senders, after checking that its ids are unique, dense and all named. */
async function kept(store: Store, sdkappid: number): Promise<Kept> {
  const rows = await store.db.selectFrom('member_ids').select(['member', 'id']).where('sdkappid', '=', sdkappid).execute();
  const names = new Map(rows.map((r) => [Number(r.id), r.member]));
  assert.equal(names.size, rows.length, 'no id was handed out twice');
  assert.deepEqual([...names.keys()].sort((a, b) => a - b), rows.map((_, i) => i), 'ids are dense from 0');
  const state = await store.db.selectFrom('app_state').select('next_member_id').where('sdkappid', '=', sdkappid).executeTakeFirstOrThrow();
  assert.equal(Number(state.next_member_id), rows.length, 'the next id follows the ids handed out');
  const set = await store.db
    .selectFrom('stat_sets')
    .select('ids')
    .where('sdkappid', '=', sdkappid)
    .where('grain', '=', 'day')
    .where('dim', '=', '')
    .where('field', '=', 'C2CSendMsgUserNum')
    .executeTakeFirstOrThrow();
  const senders = [...decodeIdSet(set.ids)].map((id) => {
    const name = names.get(id);
    assert.ok(name !== undefined, `kept id ${id} has no member`);
    return name;
  });
  const stats = await store.db
    .selectFrom('stats')
    .select(['C2CSendMsgUserNum', 'C2CUpMsgNum'])
    .where('sdkappid', '=', sdkappid)
    .where('grain', '=', 'day')
    .where('dim', '=', '')
    .executeTakeFirstOrThrow();
  return { senders: senders.sort(), distinct: Number(stats.C2CSendMsgUserNum), messages: Number(stats.C2CUpMsgNum) };
}

for (const kind of testDatabaseKinds()) {
  describe(`dense member ids when a transaction does not commit (${kind})`, () => {
    let store: Store;
    let nextApp = 1400300000;
    before(async () => {
      store = await openTestStore(kind);
    });
    after(() => store.close());
    async function newApp(): Promise<number> {
      const sdkappid = nextApp++;
      await new AppsRepo(store).create({ sdkappid, name: 'ids', createdAt: 0, timezone: 'UTC' });
      return sdkappid;
    }

    test('ids handed out by a transaction that failed are neither kept nor remembered', async () => {
      const app = await newApp();
      const first = new SqlBatchStore(store);
      const other = new SqlBatchStore(store);
      await assert.rejects(
        first.transaction(async (tx) => {
          await applyInOrder(tx, [[app, messages(app, ['m1', 'm2'])]]);
          throw new Error('fails after handing out ids');
        }),
        /fails after handing out ids/,
      );
      // Another node takes the ids the failed transaction had handed out.
      await other.transaction((tx) => applyInOrder(tx, [[app, messages(app, ['m3', 'm4'], 10)]]));
      // The first node again, with the member it saw before and one the other node named.
      await first.transaction((tx) => applyInOrder(tx, [[app, messages(app, ['m1', 'm3'], 20)]]));
      assert.deepEqual(await kept(store, app), { senders: ['m1', 'm3', 'm4'], distinct: 3, messages: 4 });
    });

    // SQLite has one writer at a time: its transactions cannot deadlock.
    test('a deadlock victim that had handed out ids is retried with fresh ones', { skip: kind === 'sqlite' }, async () => {
      const [a, b] = [await newApp(), await newApp()];
      const one = new SqlBatchStore(store);
      const two = new SqlBatchStore(store);
      // Each transaction writes its first app, then waits for the other to have written its own,
      // then locks the other's: a real deadlock, which the database breaks by rolling one back.
      let arrived = 0;
      let release!: () => void;
      const bothWrote = new Promise<void>((resolve) => (release = resolve));
      const meet = () => {
        if (++arrived === 2) release();
        return bothWrote;
      };
      const attempts = [0, 0];
      await Promise.all([
        one.transaction(async (tx) => {
          attempts[0]!++;
          await applyInOrder(tx, [[a, messages(a, ['a1', 'a2'])], [b, messages(b, ['x1', 'x2'])]], meet);
        }),
        two.transaction(async (tx) => {
          attempts[1]!++;
          await applyInOrder(tx, [[b, messages(b, ['y1', 'y2'], 10)], [a, messages(a, ['a2', 'a3'], 10)]], meet);
        }),
      ]);
      assert.equal(attempts[0]! + attempts[1]!, 3, `one transaction was rolled back and retried once (${attempts.join(', ')})`);
      // Both nodes once more, each naming members the other assigned and new ones.
      await one.transaction((tx) => applyInOrder(tx, [[b, messages(b, ['y1', 'x1', 'z1'], 20)]]));
      await two.transaction((tx) => applyInOrder(tx, [[b, messages(b, ['x2', 'y2', 'z2'], 30)]]));
      assert.deepEqual(await kept(store, a), { senders: ['a1', 'a2', 'a3'], distinct: 3, messages: 4 });
      assert.deepEqual(await kept(store, b), { senders: ['x1', 'x2', 'y1', 'y2', 'z1', 'z2'], distinct: 6, messages: 10 });
    });
  });
}
