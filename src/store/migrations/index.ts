import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import type { StoreDialect } from '../dialects/dialect.js';
import type { Database } from '../schema.js';
import { initialMigration } from './001-initial.js';
import { callbackInboxMigration } from './003-callback-inbox.js';
import { callbackSignUsesMigration } from './004-callback-sign-uses.js';
import { compactSetsMigration } from './005-compact-sets.js';
import { openImWebhooksMigration } from './006-openim-webhooks.js';
import { consoleTokensMigration } from './007-console-tokens.js';
import { appsVersionMigration } from './012-apps-version.js';

/** Migrations are code, named in the order they run. Exported for the tests that migrate step by step. */
export function migrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '001-initial': initialMigration(dialect),
    '003-callback-inbox': callbackInboxMigration(dialect),
    '004-callback-sign-uses': callbackSignUsesMigration(dialect),
    '005-compact-sets': compactSetsMigration(dialect),
    '006-openim-webhooks': openImWebhooksMigration(dialect),
    '007-console-tokens': consoleTokensMigration(dialect),
    '012-apps-version': appsVersionMigration(dialect),
  };
}

/** Brings the schema up to date; safe to run from several nodes at once (Kysely locks). */
export async function migrateToLatest(db: Kysely<Database>, dialect: StoreDialect): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations(dialect) },
  });
  return migrator.migrateToLatest();
}
