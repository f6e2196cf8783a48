import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialects/dialect.js';

/**
 * `callback_inbox`: callbacks stored before they are answered, applied from here in id order and
 * deleted once applied (issue 10: an answered callback is never lost). Columns written out here,
 * not derived from live code, so this migration never changes.
 */
export function callbackInboxMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await dialect
        .addAutoIncrementKey(dialect.withTableOptions(db.schema.createTable('callback_inbox')), 'id')
        .addColumn('sdkappid', 'bigint', (c) => c.notNull())
        // tencent, openim, …: which translator reads the payload.
        .addColumn('transport', 'varchar(16)', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        // The transport's request parameters the payload needs (command, platform), as JSON.
        .addColumn('meta', 'varchar(2000)', (c) => c.notNull())
        .addColumn('payload', dialect.largeTextType, (c) => c.notNull())
        .addColumn('dedupe_key', 'varchar(100)')
        .addColumn('dedupe_window_ms', 'bigint')
        .execute();
      await db.schema.createIndex('callback_inbox_app').on('callback_inbox').columns(['sdkappid', 'id']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('callback_inbox').ifExists().execute();
    },
  };
}
