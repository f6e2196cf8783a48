import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialects/dialect.js';

/**
 * Issue 15: per-app settings of the OpenIM webhook receiver. Its own table (not columns on
 * `apps`) so apps without OpenIM carry nothing and the receiver's settings can grow alone.
 * The secret is stored as its SHA-256 (hex): see OpenImWebhooksRepo for why.
 */
export function openImWebhooksMigration(dialect: StoreDialect): Migration {
  return {
    async up(db) {
      await dialect
        .withTableOptions((db as Kysely<unknown>).schema.createTable('openim_webhooks'))
        .addColumn('sdkappid', 'bigint', (c) => c.primaryKey())
        .addColumn('secret_sha256', 'varchar(64)', (c) => c.notNull())
        .addColumn('push_vendor', 'varchar(32)', (c) => c.notNull())
        .addColumn('allowed_sources', 'varchar(2000)', (c) => c.notNull().defaultTo(''))
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db) {
      await db.schema.dropTable('openim_webhooks').ifExists().execute();
    },
  };
}
