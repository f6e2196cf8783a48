import { type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialects/dialect.js';

/** Id columns: user and group ids are 1–64 bytes of UTF-8 (shared/spec/events.md). */
const ID = 'varchar(64)';

/**
 * The stats columns as the first release created them: the 28 counted fields of that day's
 * catalog, written out literally. A migration is history: adding a field to the catalog must
 * not rewrite this list (an existing database would never get the column) but add a migration.
 */
const STATS_COLUMNS = [
  'APNSMsgNum', 'ActiveUserNum', 'C2CAPNSMsgNum', 'C2CDownMsgNum', 'C2CSendMsgUserNum', 'C2CUpMsgNum',
  'CallBackReq', 'CallBackRsp', 'ChainDecrease', 'ChainIncrease', 'DownMsgNum', 'GroupAPNSMsgNum',
  'GroupAllGroupNum', 'GroupDestroyGroupNum', 'GroupDownMsgNum', 'GroupJoinGroupTimes', 'GroupNewGroupNum',
  'GroupQuitGroupTimes', 'GroupSendMsgGroupNum', 'GroupSendMsgUserNum', 'GroupUpMsgNum', 'LoginTimes',
  'LoginUserNum', 'MaxOnlineNum', 'RegistUserNumOneDay', 'RegistUserNumTotal', 'SendMsgUserNum', 'UpMsgNum',
] as const;

export function initialMigration(dialect: StoreDialect): Migration {
  const table = (db: Kysely<unknown>, name: string) => dialect.withTableOptions(db.schema.createTable(name));
  return {
    async up(db) {
      await table(db, 'apps')
        .addColumn('sdkappid', 'bigint', (c) => c.primaryKey())
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('company', 'varchar(255)', (c) => c.notNull().defaultTo(''))
        .addColumn('secret_key', 'varchar(255)')
        .addColumn('timezone', 'varchar(64)', (c) => c.notNull().defaultTo('Asia/Shanghai'))
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('callback_token', 'varchar(255)')
        .addColumn('registered_baseline', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('group_baseline', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();

      await table(db, 'app_admins')
        .addColumn('sdkappid', 'bigint', (c) => c.notNull())
        .addColumn('identifier', 'varchar(64)', (c) => c.notNull())
        .addPrimaryKeyConstraint('app_admins_pk', ['sdkappid', 'identifier'])
        .execute();

      let stats = table(db, 'stats')
        .addColumn('sdkappid', 'bigint', (c) => c.notNull())
        .addColumn('grain', 'varchar(8)', (c) => c.notNull())
        .addColumn('bucket', 'varchar(16)', (c) => c.notNull())
        .addColumn('dim', 'varchar(64)', (c) => c.notNull());
      for (const field of STATS_COLUMNS) stats = stats.addColumn(field, 'bigint', (c) => c.notNull().defaultTo(0));
      await stats.addPrimaryKeyConstraint('stats_pk', ['sdkappid', 'grain', 'bucket', 'dim']).execute();

      await table(db, 'stat_members')
        .addColumn('sdkappid', 'bigint', (c) => c.notNull())
        .addColumn('grain', 'varchar(8)', (c) => c.notNull())
        .addColumn('bucket', 'varchar(16)', (c) => c.notNull())
        .addColumn('dim', 'varchar(64)', (c) => c.notNull())
        .addColumn('field', 'varchar(32)', (c) => c.notNull())
        .addColumn('member', ID, (c) => c.notNull())
        .addPrimaryKeyConstraint('stat_members_pk', ['sdkappid', 'grain', 'bucket', 'dim', 'field', 'member'])
        .execute();

      await table(db, 'app_state')
        .addColumn('sdkappid', 'bigint', (c) => c.primaryKey())
        .addColumn('presence_clock', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('online_users', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('version', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();

      await table(db, 'sessions')
        .addColumn('sdkappid', 'bigint', (c) => c.notNull())
        .addColumn('user_id', ID, (c) => c.notNull())
        .addColumn('platform', 'varchar(32)', (c) => c.notNull())
        .addPrimaryKeyConstraint('sessions_pk', ['sdkappid', 'user_id', 'platform'])
        .execute();

      await table(db, 'registered_users')
        .addColumn('sdkappid', 'bigint', (c) => c.notNull())
        .addColumn('user_id', ID, (c) => c.notNull())
        .addPrimaryKeyConstraint('registered_users_pk', ['sdkappid', 'user_id'])
        .execute();

      await table(db, 'im_groups')
        .addColumn('sdkappid', 'bigint', (c) => c.notNull())
        .addColumn('group_id', ID, (c) => c.notNull())
        .addPrimaryKeyConstraint('im_groups_pk', ['sdkappid', 'group_id'])
        .execute();

      await table(db, 'group_members')
        .addColumn('sdkappid', 'bigint', (c) => c.notNull())
        .addColumn('group_id', ID, (c) => c.notNull())
        .addColumn('user_id', ID, (c) => c.notNull())
        .addPrimaryKeyConstraint('group_members_pk', ['sdkappid', 'group_id', 'user_id'])
        .execute();

      await table(db, 'applied_batches')
        .addColumn('batch_id', 'varchar(160)', (c) => c.primaryKey())
        .addColumn('applied_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('applied_batches_applied_at').on('applied_batches').column('applied_at').execute();
    },
    async down(db) {
      for (const name of ['applied_batches', 'group_members', 'im_groups', 'registered_users', 'sessions', 'app_state', 'stat_members', 'stats', 'app_admins', 'apps']) {
        await db.schema.dropTable(name).ifExists().execute();
      }
    },
  };
}
