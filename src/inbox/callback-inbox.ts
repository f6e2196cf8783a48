import type { Store } from '../store/store.js';
import { guard, toNumber } from '../store/store-error.js';
import type { InboxEntry, InboxEntryInput } from './inbox-entry.js';

/** Callbacks one app may have waiting to be applied, by default: 100,000 (past it, deliveries are refused and retried by the sender). */
export const DEFAULT_INBOX_LIMIT = 100_000;
/** How long a counted depth is trusted (plus what this process added since) before it is counted again: 1 s. */
export const INBOX_DEPTH_RECHECK_MS = 1000;

/**
 * A delivery refused because its app already has `limit` entries waiting: nothing was stored, so
 * nothing may be acknowledged; the sender is to retry later (the REST layer answers 60007).
 */
export class InboxFullError extends Error {
  constructor(
    readonly sdkappid: number,
    readonly waiting: number,
    readonly limit: number,
  ) {
    super(`app ${sdkappid} has ${waiting >= limit ? `${limit} or more` : waiting} callbacks waiting to be applied (the limit is ${limit}); retry later`);
    this.name = 'InboxFullError';
  }
}

export interface CallbackInboxOptions {
  /** Entries one app may have waiting; `add` refuses more (InboxFullError). 0: no limit. Default DEFAULT_INBOX_LIMIT. */
  readonly limit?: number;
  /** Unix ms clock measuring INBOX_DEPTH_RECHECK_MS; default Date.now. */
  readonly clock?: () => number;
}

/**
 * The durable inbox of webhook deliveries (table `callback_inbox`): a delivery is added, and
 * only then answered; drainers apply entries in id order and remove them. Shared by every node
 * on the database; exactly-once application comes from batch ids claimed when applying
 * (InboxDrainer), so two nodes taking the same entry count it once. Bounded per app: while an
 * app's backlog is at the limit (applying stalled, the database slow), new deliveries are refused
 * before anything is stored, so what is acknowledged is always what can be kept and applied. The
 * depth is counted at most every INBOX_DEPTH_RECHECK_MS (bounded by the limit) and this process's
 * additions are added in between, so other nodes' additions may overshoot it by one second's worth.
 */
export class CallbackInbox {
  readonly #limit: number;
  readonly #clock: () => number;
  /** Per app: the depth last counted (plus additions since) and when it was counted. */
  readonly #depth = new Map<number, { n: number; at: number } | Promise<number>>();

  constructor(
    private readonly store: Store,
    options: CallbackInboxOptions = {},
  ) {
    this.#limit = options.limit ?? DEFAULT_INBOX_LIMIT;
    this.#clock = options.clock ?? Date.now;
  }

  /** Stores a delivery durably (committed when this resolves) and returns its id; InboxFullError when its app's backlog is at the limit. */
  async add(entry: InboxEntryInput): Promise<number> {
    if (this.#limit > 0) {
      const waiting = await this.#waiting(entry.sdkappid);
      if (waiting >= this.#limit) throw new InboxFullError(entry.sdkappid, waiting, this.#limit);
    }
    const { db, dialect } = this.store;
    const id = await guard(dialect, 'storing a callback', () =>
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
    const depth = this.#depth.get(entry.sdkappid);
    if (depth && !(depth instanceof Promise)) depth.n++;
    return id;
  }

  /** The app's entries waiting as last counted (counted again when older than INBOX_DEPTH_RECHECK_MS; one count at a time). */
  async #waiting(sdkappid: number): Promise<number> {
    const known = this.#depth.get(sdkappid);
    if (known instanceof Promise) return known;
    const now = this.#clock();
    if (known && now - known.at < INBOX_DEPTH_RECHECK_MS) return known.n;
    const { db, dialect } = this.store;
    const counting = guard(dialect, 'counting the callback inbox', async () => {
      // Counts at most `limit` rows: the answer needed is only whether the limit is reached.
      const row = await db
        .selectFrom((eb) => eb.selectFrom('callback_inbox').select('id').where('sdkappid', '=', sdkappid).limit(this.#limit).as('waiting'))
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      return toNumber(row.n, 'count');
    });
    this.#depth.set(sdkappid, counting);
    try {
      const n = await counting;
      this.#depth.set(sdkappid, { n, at: now });
      return n;
    } catch (err) {
      this.#depth.delete(sdkappid);
      throw err;
    }
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
