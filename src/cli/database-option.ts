import { Option } from 'commander';
import { DEFAULT_DATABASE_URL, dialectForUrl } from '../store/database-url.js';
import { openStore, type OpenStoreOptions, type Store } from '../store/store.js';
import type { CliContext } from './cli-io.js';
import { CliError } from './cli-error.js';

/** The program-level `--db URL` option (given before or after the command's name). */
export function databaseOption(): Option {
  return new Option('--db <url>', `database URL: sqlite:PATH, postgres://…, mysql://…, mariadb://… (default: $IMSTATS_DB, else ${DEFAULT_DATABASE_URL})`);
}

/** `--db`, else IMSTATS_DB, else the embedded SQLite file. */
export function databaseUrl(ctx: CliContext): string {
  return ctx.db ?? (ctx.env.IMSTATS_DB || DEFAULT_DATABASE_URL);
}

/** Opens (and by default migrates) the command's database; a malformed URL is a CliError. */
export async function openCliStore(ctx: CliContext, options?: OpenStoreOptions): Promise<Store> {
  const url = databaseUrl(ctx);
  try {
    // Creating a dialect only parses the URL; connections open later.
    dialectForUrl(url);
  } catch (err) {
    throw new CliError(`--db: ${(err as Error).message}`);
  }
  return openStore(url, options);
}

/** Opens (and migrates) the database for one command and always closes it. */
export async function withStore<T>(ctx: CliContext, run: (store: Store) => Promise<T>): Promise<T> {
  const store = await openCliStore(ctx);
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}
