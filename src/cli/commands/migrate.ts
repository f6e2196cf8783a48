import type { Command } from 'commander';
import { DEFAULT_MIGRATION_TABLE, sql } from 'kysely';
import { migrateToLatest } from '../../store/migrations/index.js';
import { guard } from '../../store/store-error.js';
import type { CliContext } from '../cli-io.js';
import { CliError } from '../cli-error.js';
import { openCliStore } from '../database-option.js';
import { textTable } from '../format/text-table.js';

/**
 * `imstats migrate`: brings the schema up to date and prints every migration with its status:
 * `applied now`, `already applied`, `failed` or `not run` (after a failure).
 */
export function registerMigrate(program: Command, ctx: CliContext): void {
  program
    .command('migrate')
    .description('run database migrations and print each one with its status')
    .action(async () => {
      const store = await openCliStore(ctx, { migrate: false });
      try {
        const result = await guard(store.dialect, 'migrating the database', () => migrateToLatest(store.db, store.dialect));
        const ran = new Map((result.results ?? []).map((r) => [r.migrationName, r.status]));
        // Names of every migration recorded in the database, earlier runs included.
        const recorded = result.error
          ? []
          : (await sql<{ name: string }>`select name from ${sql.table(DEFAULT_MIGRATION_TABLE)} order by name`.execute(store.db)).rows.map((r) => r.name);
        const names = [...new Set([...recorded, ...ran.keys()])].sort();
        const status = (name: string) => {
          switch (ran.get(name)) {
            case 'Success':
              return 'applied now';
            case 'Error':
              return 'failed';
            case 'NotExecuted':
              return 'not run';
            default:
              return 'already applied';
          }
        };
        ctx.io.out(textTable(['MIGRATION', 'STATUS'], names.map((n) => [n, status(n)])));
        ctx.io.out(`database ${store.description} (${store.dialect.name}) is ${result.error ? 'NOT ' : ''}up to date\n`);
        if (result.error) throw new CliError(`migration failed: ${(result.error as Error).message ?? String(result.error)}`);
      } finally {
        await store.close();
      }
    });
}
