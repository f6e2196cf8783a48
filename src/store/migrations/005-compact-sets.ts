import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialects/dialect.js';

// Written out literally (a migration never imports live code that may change): the getstats-only
// sum columns, and the id-set codec of aggregate/id-set.ts as it was when this ran first.
const NEW_SUM_COLUMNS = ['C2COfflineMsgNum', 'C2CPushNum', 'GroupOfflineMsgNum', 'GroupPushNum', 'PushNum'];
const MEMBERS_PER_STATEMENT = 500;

function encodeSortedIds(ids: readonly number[]): Uint8Array {
  const out: number[] = [];
  let prev = -1;
  for (const id of ids) {
    let gap = id - prev - 1;
    prev = id;
    while (gap >= 0x80) {
      out.push((gap & 0x7f) | 0x80);
      gap >>>= 7;
    }
    out.push(gap);
  }
  return Uint8Array.from(out);
}

/**
 * getstats' compact model: distinct sets become one BLOB of dense per-app member ids per bucket
 * (stat_sets + member_ids) instead of one row per member (stat_members, dropped); stats gains the
 * getstats-only sums; app_state the next member id and per-platform online counts. Existing
 * rows are carried over: every distinct set is re-encoded with ids given in byte order of the
 * member, and the online counts are computed from the live sessions, so the numbers of a
 * database filled before are unchanged and later events dedupe against the old members.
 */
export function compactSetsMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<any>) {
      for (const column of NEW_SUM_COLUMNS) {
        await db.schema.alterTable('stats').addColumn(column, 'bigint', (c) => c.notNull().defaultTo(0)).execute();
      }
      await db.schema.alterTable('app_state').addColumn('next_member_id', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('app_state').addColumn('platform_online', 'text').execute();
      await dialect
        .withTableOptions(db.schema.createTable('member_ids'))
        .addColumn('sdkappid', 'bigint', (c) => c.notNull())
        .addColumn('member', 'varchar(64)', (c) => c.notNull())
        .addColumn('id', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('member_ids_pk', ['sdkappid', 'member'])
        .execute();
      await dialect
        .withTableOptions(db.schema.createTable('stat_sets'))
        .addColumn('sdkappid', 'bigint', (c) => c.notNull())
        .addColumn('grain', 'varchar(8)', (c) => c.notNull())
        .addColumn('bucket', 'varchar(16)', (c) => c.notNull())
        .addColumn('dim', 'varchar(64)', (c) => c.notNull())
        .addColumn('field', 'varchar(32)', (c) => c.notNull())
        .addColumn('ids', sql.raw(dialect.blobType), (c) => c.notNull())
        .addPrimaryKeyConstraint('stat_sets_pk', ['sdkappid', 'grain', 'bucket', 'dim', 'field'])
        .execute();

      const apps = await db.selectFrom('app_state').select('sdkappid').execute();
      for (const { sdkappid } of apps) {
        const rows = await db
          .selectFrom('stat_members')
          .select(['grain', 'bucket', 'dim', 'field', 'member'])
          .where('sdkappid', '=', sdkappid)
          .execute();
        const members = [...new Set(rows.map((r) => r.member as string))].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
        const ids = new Map(members.map((m, i) => [m, i]));
        for (let i = 0; i < members.length; i += MEMBERS_PER_STATEMENT) {
          await db
            .insertInto('member_ids')
            .values(members.slice(i, i + MEMBERS_PER_STATEMENT).map((member) => ({ sdkappid, member, id: ids.get(member)! })))
            .execute();
        }
        const sets = new Map<string, { grain: string; bucket: string; dim: string; field: string; ids: number[] }>();
        for (const r of rows) {
          const key = `${r.grain}|${r.bucket}|${r.dim}|${r.field}`;
          let set = sets.get(key);
          if (!set) sets.set(key, (set = { grain: r.grain, bucket: r.bucket, dim: r.dim, field: r.field, ids: [] }));
          set.ids.push(ids.get(r.member)!);
        }
        for (const set of sets.values()) {
          const sorted = set.ids.sort((a, b) => a - b);
          await db
            .insertInto('stat_sets')
            .values({ sdkappid, grain: set.grain, bucket: set.bucket, dim: set.dim, field: set.field, ids: encodeSortedIds(sorted) })
            .execute();
        }
        const sessions = await db.selectFrom('sessions').select(['user_id', 'platform']).where('sdkappid', '=', sdkappid).execute();
        const usersOn = new Map<string, Set<string>>();
        for (const s of sessions) {
          const value = s.platform === 'default' ? 'Unknown' : (s.platform as string);
          let users = usersOn.get(value);
          if (!users) usersOn.set(value, (users = new Set()));
          users.add(s.user_id);
        }
        const online = Object.fromEntries([...usersOn].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, users]) => [p, users.size]));
        await db
          .updateTable('app_state')
          .set({ next_member_id: members.length, platform_online: JSON.stringify(online) })
          .where('sdkappid', '=', sdkappid)
          .execute();
      }
      await db.schema.dropTable('stat_members').execute();
    },
  };
}
