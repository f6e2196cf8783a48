import type { Store } from '../store/store.js';
import { guard, toNumber } from '../store/store-error.js';
import type { InboxEntry, InboxEntryInput } from './inbox-entry.js';

/**
 * The durable inbox of webhook deliveries (table `callback_inbox`): a delivery is added, and
 * only then answered; drainers apply entries in id order and remove them. Shared by every node
 * on the database; exactly-once application comes from batch ids claimed when applying
 * (InboxDrainer), so two nodes taking the same entry count it once.
 */
export class CallbackInbox {
  constructor(private readonly store: Store) {}

  /** Stores a delivery durably (committed when this resolves) and returns its id. */
  add(entry: InboxEntryInput): Promise<number> {
    const { db, dialect } = this.store;
    return guard(dialect, 'storing a callback', () =>
      dialect.insertReturningId(
        db.insertInto('callback_inbox').values({
          sdkappid: entry.sdkappid,
          transport: entry.transport,
          received_at: entry.receivedAt,
          meta: JSON.stringify(entry.meta),
          payload: entry.payload,
          dedupe_key: entry.dedupeKey ?? null,
          dedupe_window_ms: entry.dedupeWindowMs ?? null,
        }),
      ),
    );
  }

  /** The app's oldest `limit` entries, in id order. */
  async oldest(sdkappid: number, limit: number): Promise<InboxEntry[]> {
    const { db, dialect } = this.store;
    const rows = await guard(dialect, 'reading the callback inbox', () =>
      db.selectFrom('callback_inbox').selectAll().where('sdkappid', '=', sdkappid).orderBy('id').limit(limit).execute(),
    );
    return rows.map((r) => ({
      id: toNumber(r.id, 'callback_inbox.id'),
      sdkappid: toNumber(r.sdkappid, 'callback_inbox.sdkappid'),
      transport: r.transport,
      receivedAt: toNumber(r.received_at, 'callback_inbox.received_at'),
      meta: JSON.parse(r.meta) as InboxEntry['meta'],
      payload: r.payload,
      ...(r.dedupe_key === null ? {} : { dedupeKey: r.dedupe_key }),
      ...(r.dedupe_window_ms === null ? {} : { dedupeWindowMs: toNumber(r.dedupe_window_ms, 'callback_inbox.dedupe_window_ms') }),
    }));
  }

  /** Removes applied entries. */
  async remove(ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    const { db, dialect } = this.store;
    await guard(dialect, 'removing applied callbacks', () => db.deleteFrom('callback_inbox').where('id', 'in', ids as number[]).execute());
  }

  /** Apps with entries received at or before `receivedBy` (Unix ms). */
  async appsWaiting(receivedBy: number): Promise<number[]> {
    const { db, dialect } = this.store;
    const rows = await guard(dialect, 'reading the callback inbox', () =>
      db.selectFrom('callback_inbox').select('sdkappid').distinct().where('received_at', '<=', receivedBy).execute(),
    );
    return rows.map((r) => toNumber(r.sdkappid, 'callback_inbox.sdkappid'));
  }

  /** Entries waiting, all apps together (or one app's). */
  async size(sdkappid?: number): Promise<number> {
    const { db, dialect } = this.store;
    let query = db.selectFrom('callback_inbox').select((eb) => eb.fn.countAll().as('n'));
    if (sdkappid !== undefined) query = query.where('sdkappid', '=', sdkappid);
    const row = await guard(dialect, 'counting the callback inbox', () => query.executeTakeFirstOrThrow());
    return toNumber(row.n, 'count');
  }
}
