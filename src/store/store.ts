import type { Kysely } from 'kysely';
import type { StoreDialect } from './dialects/dialect.js';
import type { Database } from './schema.js';
import { dialectForUrl, redactDatabaseUrl } from './database-url.js';
import { migrateToLatest } from './migrations/index.js';
import { guard } from './store-error.js';

/** An open database: the Kysely instance and the dialect's capabilities, chosen once. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  /** The URL it was opened with, password redacted. */
  readonly description: string;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** Run migrations on open; default true. */
  readonly migrate?: boolean;
  readonly poolSize?: number;
}

/** Opens (and by default migrates) the database named by `url`. */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const dialect = dialectForUrl(url, { poolSize: options.poolSize });
  const db = dialect.createKysely();
  const store: Store = { db, dialect, description: redactDatabaseUrl(url), close: () => db.destroy() };
  if (options.migrate ?? true) {
    try {
      await guard(dialect, 'migrating the database', async () => {
        const { error } = await migrateToLatest(db, dialect);
        if (error) throw error;
      });
    } catch (err) {
      await db.destroy().catch(() => {});
      throw err;
    }
  }
  return store;
}
