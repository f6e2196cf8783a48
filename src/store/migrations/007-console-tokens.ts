import { type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialects/dialect.js';

/**
 * Read-only console tokens (shared/spec/console.md). Only a SHA-256 of the token is stored; the
 * token itself is printed once by `imstats token create`. `sdkappid` null is an operator token
 * (every app). Revoked tokens keep their row (revoked_at set) so `token list` shows the history.
 */
export function consoleTokensMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await dialect
        .withTableOptions(db.schema.createTable('console_tokens'))
        .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(255)', (c) => c.notNull().defaultTo(''))
        .addColumn('token_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('sdkappid', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('last_used_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('console_tokens').ifExists().execute();
    },
  };
}
