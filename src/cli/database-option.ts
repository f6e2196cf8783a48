import { Option } from 'commander';
import { DEFAULT_DATABASE_URL } from '../store/database-url.js';
import { openStore, type Store } from '../store/store.js';
import type { CliContext } from './cli-io.js';

/** The `--db URL` option every command takes. */
export function databaseOption(): Option {
  return new Option('--db <url>', `database URL: sqlite:PATH, postgres://…, mysql://…, mariadb://… (default: $IMSTATS_DB, else ${DEFAULT_DATABASE_URL})`);
}

/** `--db`, else IMSTATS_DB, else the embedded SQLite file. */
export function databaseUrl(ctx: CliContext, db: string | undefined): string {
  return db ?? (ctx.env.IMSTATS_DB || DEFAULT_DATABASE_URL);
}

/** Opens (and migrates) the database for one command and always closes it. */
export async function withStore<T>(ctx: CliContext, db: string | undefined, run: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(databaseUrl(ctx, db));
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}
