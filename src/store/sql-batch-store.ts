import type { Transaction } from 'kysely';
import { DISTINCT_FIELDS, PEAK_FIELDS, SUM_FIELDS, NET_FIELDS, type CountedField } from '../catalog/fields.js';
import type { AppState, StateChanges, StateNeeds } from '../aggregate/app-state.js';
import type { BatchKey, BatchStore, BatchTransaction } from '../aggregate/batch-store.js';
import { batchIdOf } from './batch-id.js';
import type { BucketTally } from '../aggregate/tally.js';
import type { Database } from './schema.js';
import type { Store } from './store.js';
import { guard, StoreError, toNumber } from './store-error.js';
import { KnownMembers } from './known-members.js';
import { AppStateCache, type KnownAppState, type LoadedAppState } from '../aggregate/app-state-cache.js';

/** Rows per multi-row statement; keeps every statement under all drivers' parameter limits. */
const ROWS_PER_STATEMENT = 2000;
/** Ids per IN list. */
const IDS_PER_LIST = 1000;
const MAX_ATTEMPTS = 8;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const ADDED_FIELDS: readonly CountedField[] = [...SUM_FIELDS, ...NET_FIELDS, ...DISTINCT_FIELDS];
const STATS_KEY = ['sdkappid', 'grain', 'bucket', 'dim'] as const;

interface PendingApp {
  readonly version: number;
  readonly known: KnownAppState;
  readonly loaded: LoadedAppState;
  changes: StateChanges | undefined;
}

/** How much app state was read from the database (not from the cache); for tests and benchmarks. */
export interface StateLoads {
  /** SELECTs of sessions, registrations, groups or members. */
  queries: number;
  /** Ids asked for by those SELECTs (a load of all sessions counts none). */
  ids: number;
}

class SqlBatchTransaction implements BatchTransaction {
  /** Members this transaction stored or found stored; known to be there once it commits. */
  readonly stored: Array<readonly [key: string, members: string[]]> = [];

  /** Per app locked: what the cache knew, what was read and what was written; cached once it commits. */
  readonly pending = new Map<number, PendingApp>();

  constructor(
    private readonly tx: Transaction<Database>,
    private readonly store: Store,
    private readonly known: KnownMembers,
    private readonly cache: AppStateCache,
    private readonly loads: StateLoads,
  ) {}

  async claimBatch(batch: BatchKey, nowMs: number): Promise<boolean> {
    const batchId = batchIdOf(batch);
    const at = batch.atMs ?? nowMs;
    const insert = this.store.dialect.ignoreDuplicates(this.tx.insertInto('applied_batches').values({ batch_id: batchId, applied_at: at }));
    if (this.store.dialect.insertedRows(await insert.executeTakeFirst()) === 1) return true;
    if (batch.reclaimAfterMs === undefined) return false;
    // An UPDATE, not a read then a write: the row lock makes two nodes' claims of one repeat exclusive.
    const reclaimed = await this.tx
      .updateTable('applied_batches')
      .set({ applied_at: at })
      .where('batch_id', '=', batchId)
      .where('applied_at', '<=', at - batch.reclaimAfterMs)
      .executeTakeFirst();
    return Number(reclaimed.numUpdatedRows) === 1;
  }

  async lockAndLoad(sdkappid: number, needsFor: (presenceClock: number) => StateNeeds): Promise<AppState> {
    const { tx } = this;
    await this.store.dialect
      .ignoreDuplicates(tx.insertInto('app_state').values({ sdkappid, presence_clock: 0, online_users: 0, version: 0 }))
      .execute();
    // The row update is the lock: other batches of this app wait here until we commit.
    await tx.updateTable('app_state').set((eb) => ({ version: eb('version', '+', 1) })).where('sdkappid', '=', sdkappid).execute();
    const row = await tx
      .selectFrom('app_state')
      .select(['presence_clock', 'online_users', 'version'])
      .where('sdkappid', '=', sdkappid)
      .executeTakeFirstOrThrow();
    const presenceClock = toNumber(row.presence_clock, 'app_state.presence_clock');
    const version = toNumber(row.version, 'app_state.version');
    const needs = needsFor(presenceClock);
    // Locked twice in one transaction: the first lock's reads are not the database any more.
    const known = this.cache.known(sdkappid, this.pending.has(sdkappid) ? -1 : version);
    const loaded = { sessions: new Map<string, Set<string>>(), allSessions: false, registered: new Map<string, boolean>(), groups: new Map<string, boolean>(), members: new Map<string, Set<string>>() };
    const count = (ids: readonly unknown[]) => {
      this.loads.queries++;
      this.loads.ids += ids.length;
    };

    for (const ids of chunks([...needs.registeredUsers].filter((u) => !known.registered.has(u)), IDS_PER_LIST)) {
      count(ids);
      for (const u of ids) loaded.registered.set(u, false);
      const rows = await tx.selectFrom('registered_users').select('user_id').where('sdkappid', '=', sdkappid).where('user_id', 'in', ids).execute();
      for (const r of rows) loaded.registered.set(r.user_id, true);
    }
    for (const ids of chunks([...needs.groups].filter((g) => !known.groups.has(g)), IDS_PER_LIST)) {
      count(ids);
      for (const g of ids) loaded.groups.set(g, false);
      const rows = await tx.selectFrom('im_groups').select('group_id').where('sdkappid', '=', sdkappid).where('group_id', 'in', ids).execute();
      for (const r of rows) loaded.groups.set(r.group_id, true);
    }
    for (const ids of chunks([...needs.memberGroups].filter((g) => !known.members.has(g)), IDS_PER_LIST)) {
      count(ids);
      for (const g of ids) loaded.members.set(g, new Set());
      const rows = await tx
        .selectFrom('group_members')
        .select(['group_id', 'user_id'])
        .where('sdkappid', '=', sdkappid)
        .where('group_id', 'in', ids)
        .execute();
      for (const r of rows) loaded.members.get(r.group_id)!.add(r.user_id);
    }
    const members = new Map<string, Set<string>>();
    const sessionUsers = new Set(needs.sessionUsers);
    for (const g of needs.memberGroups) {
      const users = loaded.members.get(g) ?? known.members.get(g)!;
      if (users.size === 0) continue;
      members.set(g, users);
      for (const u of users) sessionUsers.add(u);
    }

    const addSession = (r: { user_id: string; platform: string }) => {
      let set = loaded.sessions.get(r.user_id);
      if (!set) loaded.sessions.set(r.user_id, (set = new Set()));
      set.add(r.platform);
    };
    if (needs.allSessions && !known.allSessions) {
      count([]);
      loaded.allSessions = true;
      (await tx.selectFrom('sessions').select(['user_id', 'platform']).where('sdkappid', '=', sdkappid).execute()).forEach(addSession);
    } else if (!known.allSessions) {
      for (const ids of chunks([...sessionUsers].filter((u) => !known.sessions.has(u)), IDS_PER_LIST)) {
        count(ids);
        for (const u of ids) loaded.sessions.set(u, new Set());
        const rows = await tx.selectFrom('sessions').select(['user_id', 'platform']).where('sdkappid', '=', sdkappid).where('user_id', 'in', ids).execute();
        rows.forEach(addSession);
      }
    }
    const sessions = new Map<string, Set<string>>();
    if (needs.allSessions) {
      for (const [user, platforms] of loaded.allSessions ? loaded.sessions : known.sessions) if (platforms.size > 0) sessions.set(user, platforms);
    } else {
      for (const user of sessionUsers) {
        const platforms = loaded.sessions.get(user) ?? known.sessions.get(user);
        if (platforms && platforms.size > 0) sessions.set(user, platforms);
      }
    }
    const pick = (ids: Set<string>, facts: (id: string) => boolean | undefined) => new Set([...ids].filter(facts));
    this.pending.set(sdkappid, { version, known, loaded, changes: undefined });
    // The sets are shared with the cache and the loaded facts: the caller clones before reducing.
    return {
      presenceClock,
      onlineUsers: toNumber(row.online_users, 'app_state.online_users'),
      sessions,
      allSessionsLoaded: needs.allSessions,
      registered: pick(needs.registeredUsers, (u) => loaded.registered.get(u) ?? known.registered.get(u)),
      groups: pick(needs.groups, (g) => loaded.groups.get(g) ?? known.groups.get(g)),
      members,
    };
  }

  async write(sdkappid: number, tallies: readonly BucketTally[], changes: StateChanges, state: AppState): Promise<void> {
    const { tx } = this;
    const { dialect } = this.store;
    const pending = this.pending.get(sdkappid);
    if (pending) pending.changes = changes;

    const statsRows = [];
    for (const t of tallies) {
      const row: Record<string, string | number> = { sdkappid, grain: t.key.grain, bucket: t.key.bucket, dim: t.key.dim };
      for (const f of [...SUM_FIELDS, ...NET_FIELDS]) row[f] = t.adds[f as keyof typeof t.adds] ?? 0;
      for (const f of PEAK_FIELDS) row[f] = t.peaks[f] ?? 0;
      for (const f of DISTINCT_FIELDS) row[f] = await this.#insertMembers(sdkappid, t, f);
      statsRows.push(row);
    }
    for (const rows of chunks(statsRows, ROWS_PER_STATEMENT / 40)) {
      const insert = tx.insertInto('stats').values(rows as never);
      await dialect.mergeOnConflict(insert, 'stats', STATS_KEY, ADDED_FIELDS, PEAK_FIELDS).execute();
    }

    await this.#insertRows('sessions', changes.sessionsAdded.map(([user_id, platform]) => ({ sdkappid, user_id, platform })));
    await this.#deletePairs('sessions', sdkappid, 'user_id', 'platform', changes.sessionsRemoved);
    await this.#insertRows('registered_users', changes.registeredAdded.map((user_id) => ({ sdkappid, user_id })));
    for (const ids of chunks(changes.registeredRemoved, IDS_PER_LIST)) {
      await tx.deleteFrom('registered_users').where('sdkappid', '=', sdkappid).where('user_id', 'in', ids).execute();
    }
    await this.#insertRows('im_groups', changes.groupsAdded.map((group_id) => ({ sdkappid, group_id })));
    for (const ids of chunks(changes.groupsRemoved, IDS_PER_LIST)) {
      await tx.deleteFrom('im_groups').where('sdkappid', '=', sdkappid).where('group_id', 'in', ids).execute();
    }
    await this.#insertRows('group_members', changes.membersAdded.map(([group_id, user_id]) => ({ sdkappid, group_id, user_id })));
    await this.#deletePairs('group_members', sdkappid, 'group_id', 'user_id', changes.membersRemoved);

    await tx
      .updateTable('app_state')
      .set({ presence_clock: state.presenceClock, online_users: state.onlineUsers })
      .where('sdkappid', '=', sdkappid)
      .execute();
  }

  /** Inserts a bucket's candidate members of one distinct set; returns how many were new. */
  async #insertMembers(sdkappid: number, t: BucketTally, field: (typeof DISTINCT_FIELDS)[number]): Promise<number> {
    const candidates = t.members[field];
    if (!candidates?.size) return 0;
    const { grain, bucket, dim } = t.key;
    const key = `${sdkappid}|${grain}|${bucket}|${dim}|${field}`;
    const members = this.known.unknown(key, candidates);
    this.stored.push([key, members]);
    let inserted = 0;
    for (const list of chunks(members, ROWS_PER_STATEMENT)) {
      const insert = this.tx.insertInto('stat_members').values(list.map((member) => ({ sdkappid, grain, bucket, dim, field, member })));
      inserted += this.store.dialect.insertedRows(await this.store.dialect.ignoreDuplicates(insert).executeTakeFirst());
    }
    return inserted;
  }

  async #insertRows<T extends 'sessions' | 'registered_users' | 'im_groups' | 'group_members'>(table: T, rows: readonly object[]): Promise<void> {
    for (const list of chunks(rows, ROWS_PER_STATEMENT)) {
      await this.store.dialect.ignoreDuplicates(this.tx.insertInto(table).values(list as never)).execute();
    }
  }

  async #deletePairs(
    table: 'sessions' | 'group_members',
    sdkappid: number,
    a: 'user_id' | 'group_id',
    b: 'platform' | 'user_id',
    pairs: ReadonlyArray<readonly [string, string]>,
  ): Promise<void> {
    for (const list of chunks(pairs, IDS_PER_LIST / 2)) {
      await this.tx
        .deleteFrom(table)
        .where('sdkappid', '=', sdkappid)
        // A row-value IN list, not `(a = ? and b = ?) or …`: SQLite plans the OR form as a scan of
        // all the app's rows (index on sdkappid only), which grew quadratically with the tables
        // (10M simulated events: 8.3 s of 67 s in these deletes); the tuple list is index lookups.
        .where(({ eb, refTuple, tuple }) => eb(refTuple(a as never, b as never), 'in', list.map(([x, y]) => tuple(x as never, y as never))))
        .execute();
    }
  }
}

/** Applies batches to the SQL store, one transaction each, retried on deadlocks and busy locks. */
export class SqlBatchStore implements BatchStore {
  readonly #known = new KnownMembers();
  readonly #cache: AppStateCache;
  /** App state read from the database so far (the rest came from the process's cache). */
  readonly loads: StateLoads = { queries: 0, ids: 0 };

  /** `cache`: default a fresh AppStateCache of MAX_CACHED_STATE_ENTRIES. */
  constructor(
    private readonly store: Store,
    cache?: AppStateCache,
  ) {
    this.#cache = cache ?? new AppStateCache();
  }

  async transaction<T>(work: (tx: BatchTransaction) => Promise<T>): Promise<T> {
    const { db, dialect } = this.store;
    for (let attempt = 1; ; attempt++) {
      let batch: SqlBatchTransaction | undefined;
      try {
        return await guard(dialect, 'applying a batch', () => {
          let builder = db.transaction();
          if (dialect.transactionIsolation) builder = builder.setIsolationLevel(dialect.transactionIsolation);
          return builder.execute(async (tx) => {
            batch = new SqlBatchTransaction(tx, this.store, this.#known, this.#cache, this.loads);
            const result = await work(batch);
            return { result, batch };
          });
        }).then(({ result, batch }) => {
          for (const [key, members] of batch.stored) this.#known.remember(key, members);
          for (const [sdkappid, p] of batch.pending) this.#cache.committed(sdkappid, p.version, p.known, p.loaded, p.changes);
          return result;
        });
      } catch (err) {
        // Rolled back, or maybe committed (a lost connection at COMMIT): what we knew is unsure.
        for (const sdkappid of batch?.pending.keys() ?? []) this.#cache.forget(sdkappid);
        const cause = err instanceof StoreError ? err.cause : err;
        if (attempt >= MAX_ATTEMPTS || !dialect.isRetryable(cause)) throw err;
        await new Promise((r) => setTimeout(r, Math.min(1000, 10 * 2 ** attempt) * (0.5 + Math.random())));
      }
    }
  }
}
