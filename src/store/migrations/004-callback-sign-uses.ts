import { type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialects/dialect.js';

/**
 * `callback_sign_uses`: each (app, RequestTime, Sign) a signed callback was accepted with, and
 * the digest of every body it carried, so that every node can refuse a captured signature
 * replayed with another body (rest/routes/callback-replays.ts). Rows live minutes: they are
 * pruned once their RequestTime is too old to be accepted anyway.
 */
export function callbackSignUsesMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await dialect
        .withTableOptions(db.schema.createTable('callback_sign_uses'))
        .addColumn('sdkappid', 'bigint', (c) => c.notNull())
        .addColumn('request_time', 'bigint', (c) => c.notNull())
        .addColumn('sign', 'varchar(64)', (c) => c.notNull())
        .addColumn('body_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('first_seen_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('callback_sign_uses_pk', ['sdkappid', 'request_time', 'sign', 'body_hash'])
        .execute();
      await db.schema.createIndex('callback_sign_uses_request_time').on('callback_sign_uses').column('request_time').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('callback_sign_uses').execute();
    },
  };
}
