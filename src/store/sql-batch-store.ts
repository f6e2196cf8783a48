import type { Transaction } from 'kysely';
import { DISTINCT_FIELDS, EXTRA_SUM_FIELDS, PEAK_FIELDS, TALLIED_SUM_FIELDS, NET_FIELDS, type StoredField } from '../catalog/fields.js';
import type { AppState, StateChanges, StateNeeds } from '../aggregate/app-state.js';
import type { BatchKey, BatchStore, BatchTransaction } from '../aggregate/batch-store.js';
import { batchIdOf, legacyBatchIdOf } from './batch-id.js';
import type { BucketTally } from '../aggregate/tally.js';
import type { Database } from './schema.js';
import type { Store } from './store.js';
import { guard, StoreError, toNumber } from './store-error.js';
import { MemberIdCache } from './member-id-cache.js';
import { bucketId } from '../aggregate/bucket-key.js';
import { addToIdSet } from '../aggregate/id-set.js';
import { AppStateCache, type KnownAppState, type LoadedAppState } from '../aggregate/app-state-cache.js';

/** Rows per multi-row statement; keeps every statement under all drivers' parameter limits. */
const ROWS_PER_STATEMENT = 2000;
/**
 * Bound parameters per multi-row upsert or insert: under SQLite's 32,766 and the 65,535 of
 * PostgreSQL's and MySQL's protocols. A batch's rows then go in a few statements (a round trip
 * each on a server database) instead of one per 50 stats rows or 2,000 state rows.
 */
const PARAMETERS_PER_STATEMENT = 30_000;

/** Rows of `columns` columns that fit one statement's PARAMETERS_PER_STATEMENT. */
function rowsPerStatement(columns: number): number {
  return Math.max(1, Math.floor(PARAMETERS_PER_STATEMENT / columns));
}
/** Ids per IN list. */
const IDS_PER_LIST = 1000;
const MAX_ATTEMPTS = 8;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Bytes of id sets per statement: well under every server's packet limit (MySQL: 16 MiB by default). */
const SET_BYTES_PER_STATEMENT = 4 << 20;
const SETS_PER_STATEMENT = 200;

// The derived sums (UpMsgNum, DownMsgNum, APNSMsgNum) are not written: read from their parts.
const ADDED_FIELDS: readonly StoredField[] = [...TALLIED_SUM_FIELDS, ...NET_FIELDS, ...EXTRA_SUM_FIELDS, ...DISTINCT_FIELDS];
const SUMMED_FIELDS = [...TALLIED_SUM_FIELDS, ...NET_FIELDS, ...EXTRA_SUM_FIELDS] as const;
const STATS_KEY = ['sdkappid', 'grain', 'bucket', 'dim'] as const;

/** The columns lockAndLoad reads of each per-id table. */
const LOADED_COLUMNS = {
  registered_users: ['user_id'],
  im_groups: ['group_id'],
  group_members: ['group_id', 'user_id'],
  sessions: ['user_id', 'platform'],
} as const;

/** A row read by #loadIn: the columns of LOADED_COLUMNS for its table. */
interface LoadedRow {
  readonly user_id?: string;
  readonly group_id?: string;
  readonly platform?: string;
}

interface PendingApp {
  readonly version: number;
  readonly known: KnownAppState;
  readonly loaded: LoadedAppState;
  changes: StateChanges | undefined;
  /** The next dense member id to hand out, advanced as this batch assigns ids. */
  nextMemberId: number;
}

/** How much app state was read from the database (not from the cache); for tests and benchmarks. */
export interface StateLoads {
  /** SELECTs of sessions, registrations, groups or members. */
  queries: number;
  /** Ids asked for by those SELECTs (a load of all sessions counts none). */
  ids: number;
}

class SqlBatchTransaction implements BatchTransaction {
  /** Member ids this transaction read or assigned, per app; known to be there once it commits. */
  readonly ids: Array<readonly [sdkappid: number, ids: Array<readonly [string, number]>]> = [];

  /** Per app locked: what the cache knew, what was read and what was written; cached once it commits. */
  readonly pending = new Map<number, PendingApp>();

  constructor(
    private readonly tx: Transaction<Database>,
    private readonly store: Store,
    private readonly memberIds: MemberIdCache,
    private readonly cache: AppStateCache,
    private readonly loads: StateLoads,
  ) {}

  async claimBatch(batch: BatchKey, nowMs: number): Promise<boolean> {
    const batchId = batchIdOf(batch);
    const at = batch.atMs ?? nowMs;
    const legacy = legacyBatchIdOf(batch);
    if (legacy !== undefined && (await this.tx.selectFrom('applied_batches').select('batch_id').where('batch_id', '=', legacy).executeTakeFirst())) return false;
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
      .select(['presence_clock', 'online_users', 'version', 'next_member_id', 'platform_online'])
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

    const registered = [...needs.registeredUsers].filter((u) => !known.registered.has(u));
    for (const u of registered) loaded.registered.set(u, false);
    await this.#loadIn(sdkappid, 'registered_users', 'user_id', registered, count, (r) => loaded.registered.set(r.user_id!, true));
    const groups = [...needs.groups].filter((g) => !known.groups.has(g));
    for (const g of groups) loaded.groups.set(g, false);
    await this.#loadIn(sdkappid, 'im_groups', 'group_id', groups, count, (r) => loaded.groups.set(r.group_id!, true));
    const memberGroups = [...needs.memberGroups].filter((g) => !known.members.has(g));
    for (const g of memberGroups) loaded.members.set(g, new Set());
    await this.#loadIn(sdkappid, 'group_members', 'group_id', memberGroups, count, (r) => loaded.members.get(r.group_id!)!.add(r.user_id!));
    const members = new Map<string, Set<string>>();
    for (const g of needs.memberGroups) {
      const users = loaded.members.get(g) ?? known.members.get(g)!;
      if (users.size > 0) members.set(g, users);
    }

    const addSession = (r: { user_id: string; platform: string }) => {
      let set = loaded.sessions.get(r.user_id);
      if (!set) loaded.sessions.set(r.user_id, (set = new Set()));
      set.add(r.platform);
    };
    const sessions = new Map<string, Set<string>>();
    if (needs.allSessions) {
      if (!known.allSessions) {
        count([]);
        loaded.allSessions = true;
        (await tx.selectFrom('sessions').select(['user_id', 'platform']).where('sdkappid', '=', sdkappid).execute()).forEach(addSession);
      }
      for (const [user, platforms] of loaded.allSessions ? loaded.sessions : known.sessions) if (platforms.size > 0) sessions.set(user, platforms);
    } else {
      // The users whose sessions matter: the batch's own and every member of its groups (a
      // member's presence counts in the group's deliveries), each visited where it is listed
      // rather than gathered into one set first (a big app's batch names hundreds of thousands).
      if (!known.allSessions) {
        const unknown = new Set<string>();
        for (const u of needs.sessionUsers) if (!known.sessions.has(u)) unknown.add(u);
        for (const users of members.values()) for (const u of users) if (!known.sessions.has(u)) unknown.add(u);
        const users = [...unknown];
        for (const u of users) loaded.sessions.set(u, new Set());
        await this.#loadIn(sdkappid, 'sessions', 'user_id', users, count, (r) => addSession(r as { user_id: string; platform: string }));
      }
      const take = (user: string) => {
        const platforms = loaded.sessions.get(user) ?? known.sessions.get(user);
        if (platforms && platforms.size > 0) sessions.set(user, platforms);
      };
      for (const u of needs.sessionUsers) take(u);
      for (const users of members.values()) for (const u of users) take(u);
    }
    const pick = (ids: Set<string>, facts: (id: string) => boolean | undefined) => new Set([...ids].filter(facts));
    this.pending.set(sdkappid, { version, known, loaded, changes: undefined, nextMemberId: toNumber(row.next_member_id, 'app_state.next_member_id') });
    // The sets are shared with the cache and the loaded facts: the caller clones before reducing.
    return {
      presenceClock,
      onlineUsers: toNumber(row.online_users, 'app_state.online_users'),
      platformOnline: platformOnlineOf(row.platform_online),
      sessions,
      allSessionsLoaded: needs.allSessions,
      registered: pick(needs.registeredUsers, (u) => loaded.registered.get(u) ?? known.registered.get(u)),
      groups: pick(needs.groups, (g) => loaded.groups.get(g) ?? known.groups.get(g)),
      members,
    };
  }

  /**
   * The app's rows of `table` whose `column` is one of `ids`, in IN lists of IDS_PER_LIST (each
   * list counted as one load): the one loader behind every per-id read of lockAndLoad.
   */
  async #loadIn(
    sdkappid: number,
    table: keyof typeof LOADED_COLUMNS,
    column: 'user_id' | 'group_id',
    ids: readonly string[],
    count: (ids: readonly unknown[]) => void,
    onRow: (row: LoadedRow) => void,
  ): Promise<void> {
    for (const list of chunks(ids, IDS_PER_LIST)) {
      count(list);
      const rows = await this.tx
        .selectFrom(table)
        .select(LOADED_COLUMNS[table] as never)
        .where('sdkappid', '=', sdkappid)
        .where(column, 'in', list)
        .execute();
      for (const r of rows) onRow(r as LoadedRow);
    }
  }

  async write(sdkappid: number, tallies: readonly BucketTally[], changes: StateChanges, state: AppState): Promise<void> {
    const { tx } = this;
    const { dialect } = this.store;
    const pending = this.pending.get(sdkappid);
    if (pending) pending.changes = changes;

    const added = await this.#writeSets(sdkappid, tallies);
    const statsRows = [];
    for (const t of tallies) {
      const row: Record<string, string | number> = { sdkappid, grain: t.key.grain, bucket: t.key.bucket, dim: t.key.dim };
      for (const f of SUMMED_FIELDS) row[f] = t.adds[f] ?? 0;
      for (const f of PEAK_FIELDS) row[f] = t.peaks[f] ?? 0;
      for (const f of DISTINCT_FIELDS) row[f] = added.get(`${bucketId(t.key)}|${f}`) ?? 0;
      statsRows.push(row);
    }
    for (const rows of chunks(statsRows, rowsPerStatement(STATS_KEY.length + SUMMED_FIELDS.length + PEAK_FIELDS.length + DISTINCT_FIELDS.length))) {
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
      .set({
        presence_clock: state.presenceClock,
        online_users: state.onlineUsers,
        platform_online: JSON.stringify(Object.fromEntries([...state.platformOnline].sort(([a], [b]) => (a < b ? -1 : 1)))),
        ...(pending ? { next_member_id: pending.nextMemberId } : {}),
      })
      .where('sdkappid', '=', sdkappid)
      .execute();
  }

  /**
   * Adds the batch's candidate members to the kept sets (read, merged and written back whole:
   * the app's lock makes the read-modify-write safe with other writers); returns per
   * `bucketId|set` how many members were new, the distinct columns' increments.
   */
  async #writeSets(sdkappid: number, tallies: readonly BucketTally[]): Promise<Map<string, number>> {
    const wanted: Array<{ readonly t: BucketTally; readonly set: string; readonly members: Set<string> }> = [];
    const strings = new Set<string>();
    for (const t of tallies) {
      for (const [set, members] of Object.entries(t.members)) {
        if (!members?.size) continue;
        wanted.push({ t, set, members });
        for (const m of members) strings.add(m);
      }
    }
    const added = new Map<string, number>();
    if (wanted.length === 0) return added;
    const ids = await this.#idsOf(sdkappid, strings);
    const existing = new Map<string, Uint8Array>();
    // Only the sets' dims and fields the batch adds to: a bucket's other sets are not read.
    const dims = [...new Set(wanted.map((w) => w.t.key.dim))];
    const fields = [...new Set(wanted.map((w) => w.set))];
    for (const buckets of chunks([...new Set(wanted.map((w) => w.t.key.bucket))], IDS_PER_LIST)) {
      const rows = await this.tx
        .selectFrom('stat_sets')
        .select(['grain', 'bucket', 'dim', 'field', 'ids'])
        .where('sdkappid', '=', sdkappid)
        .where('bucket', 'in', buckets)
        .where('dim', 'in', dims)
        .where('field', 'in', fields)
        .execute();
      for (const r of rows) existing.set(`${r.grain}|${r.bucket}|${r.dim}|${r.field}`, r.ids);
    }
    const rows: Array<{ sdkappid: number; grain: string; bucket: string; dim: string; field: string; ids: Uint8Array }> = [];
    for (const { t, set, members } of wanted) {
      const key = `${bucketId(t.key)}|${set}`;
      const merged = addToIdSet(existing.get(key), [...members].map((m) => ids.get(m)!));
      added.set(key, merged.added);
      if (merged.added > 0) rows.push({ sdkappid, grain: t.key.grain, bucket: t.key.bucket, dim: t.key.dim, field: set, ids: merged.bytes });
    }
    for (let i = 0; i < rows.length; ) {
      let bytes = 0;
      let j = i;
      while (j < rows.length && j - i < SETS_PER_STATEMENT && (j === i || bytes + rows[j]!.ids.length <= SET_BYTES_PER_STATEMENT)) bytes += rows[j++]!.ids.length;
      const insert = this.tx.insertInto('stat_sets').values(rows.slice(i, j));
      await this.store.dialect.replaceOnConflict(insert, 'stat_sets', ['sdkappid', 'grain', 'bucket', 'dim', 'field'], ['ids']).execute();
      i = j;
    }
    return added;
  }

  /** Dense ids of `members`: cached, stored, or handed out now (under the app's lock). */
  async #idsOf(sdkappid: number, members: Set<string>): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const unknown: string[] = [];
    for (const m of members) {
      const id = this.memberIds.get(sdkappid, m);
      if (id === undefined) unknown.push(m);
      else out.set(m, id);
    }
    if (unknown.length === 0) return out;
    const seen: Array<readonly [string, number]> = [];
    for (const list of chunks(unknown, IDS_PER_LIST)) {
      const rows = await this.tx.selectFrom('member_ids').select(['member', 'id']).where('sdkappid', '=', sdkappid).where('member', 'in', list).execute();
      for (const r of rows) {
        const id = toNumber(r.id, 'member_ids.id');
        out.set(r.member, id);
        seen.push([r.member, id]);
      }
    }
    const pending = this.pending.get(sdkappid)!;
    const fresh: Array<{ sdkappid: number; member: string; id: number }> = [];
    for (const m of unknown) {
      if (out.has(m)) continue;
      const id = pending.nextMemberId++;
      out.set(m, id);
      seen.push([m, id]);
      fresh.push({ sdkappid, member: m, id });
    }
    for (const list of chunks(fresh, ROWS_PER_STATEMENT / 4)) await this.tx.insertInto('member_ids').values(list).execute();
    this.ids.push([sdkappid, seen]);
    return out;
  }

  async #insertRows<T extends 'sessions' | 'registered_users' | 'im_groups' | 'group_members'>(table: T, rows: readonly object[]): Promise<void> {
    if (rows.length === 0) return;
    for (const list of chunks(rows, rowsPerStatement(Object.keys(rows[0]!).length))) {
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

/** The per-platform online counts kept in app_state (JSON; null before any). */
function platformOnlineOf(json: string | null): Map<string, number> {
  const out = new Map<string, number>();
  if (json) for (const [value, n] of Object.entries(JSON.parse(json) as Record<string, number>)) out.set(value, toNumber(n, 'app_state.platform_online'));
  return out;
}

/** Applies batches to the SQL store, one transaction each, retried on deadlocks and busy locks. */
export class SqlBatchStore implements BatchStore {
  readonly #memberIds = new MemberIdCache();
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
            batch = new SqlBatchTransaction(tx, this.store, this.#memberIds, this.#cache, this.loads);
            const result = await work(batch);
            return { result, batch };
          });
        }).then(({ result, batch }) => {
          for (const [sdkappid, ids] of batch.ids) this.#memberIds.remember(sdkappid, ids);
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
