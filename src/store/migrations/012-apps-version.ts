import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialects/dialect.js';

/**
 * One counter for the whole app registry (apps and app_admins), bumped in the same transaction
 * as every change AppsRepo makes. A node's AppCache reads this one row once per TTL instead of
 * every app it serves, and keeps its apps for as long as the counter stands still.
 */
export function appsVersionMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await dialect
        .withTableOptions(db.schema.createTable('apps_version'))
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('version', 'bigint', (c) => c.notNull())
        .execute();
      await sql`insert into apps_version (id, version) values (1, 0)`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('apps_version').ifExists().execute();
    },
  };
}
