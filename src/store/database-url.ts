import type { StoreDialect } from './dialects/dialect.js';
import { MariadbStoreDialect } from './dialects/mariadb/mariadb-dialect.js';
import { MysqlStoreDialect } from './dialects/mysql/mysql-dialect.js';
import { PostgresStoreDialect } from './dialects/postgres/postgres-dialect.js';
import { SqliteStoreDialect } from './dialects/sqlite/sqlite-dialect.js';

/** The embedded default. */
export const DEFAULT_DATABASE_URL = 'sqlite:./data/imstats.db';

/**
 * Picks the dialect for a `--db` / `IMSTATS_DB` value: `sqlite:PATH` (or a bare path),
 * `postgres://…` / `postgresql://…`, `mysql://…`, `mariadb://…`.
 */
export function dialectForUrl(url: string, options: { poolSize?: number } = {}): StoreDialect {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'postgres':
    case 'postgresql':
      return new PostgresStoreDialect({ url, poolSize: options.poolSize });
    case 'mysql':
      return new MysqlStoreDialect({ url, poolSize: options.poolSize });
    case 'mariadb':
      return new MariadbStoreDialect({ url, poolSize: options.poolSize });
    case 'sqlite':
      return new SqliteStoreDialect({ path: url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '') || ':memory:' });
    case undefined:
      if (url.trim() === '') throw new Error('database URL is empty');
      return new SqliteStoreDialect({ path: url });
    default:
      throw new Error(`unsupported database URL scheme "${scheme}:" (use sqlite:PATH, postgres://… or mysql://…)`);
  }
}

/** The URL with any password replaced, for logs and messages. */
export function redactDatabaseUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
