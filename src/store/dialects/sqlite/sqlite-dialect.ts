import type { Kysely } from 'kysely';
import type { Database } from '../../schema.js';
import { DialectBase } from '../dialect-base.js';
import type { DbFailure } from '../dialect.js';
import { ImmediateSqliteDialect } from './immediate-sqlite-dialect.js';
import { ReopeningSqliteDatabase, SqliteOpenError } from './sqlite-database.js';

export interface SqliteStoreOptions {
  /** Database file, or `:memory:`. */
  readonly path: string;
  /** Wait for another process's write lock this long before failing; default 5000 ms. */
  readonly busyTimeoutMs?: number;
}

/** Embedded SQLite through better-sqlite3: the default store, one file, WAL mode. */
export class SqliteStoreDialect extends DialectBase {
  readonly name = 'sqlite';
  protected override readonly maxFunction = 'max';

  constructor(private readonly options: SqliteStoreOptions) {
    super();
  }

  createKysely(): Kysely<Database> {
    const database = new ReopeningSqliteDatabase({
      path: this.options.path,
      busyTimeoutMs: this.options.busyTimeoutMs ?? 5000,
    });
    return this.kysely(new ImmediateSqliteDialect({ database }));
  }

  isRetryable(err: unknown): boolean {
    const code = (err as { code?: string }).code ?? '';
    return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
  }

  classify(err: unknown): DbFailure {
    // A file held by another connection's exclusive lock exists but does not answer in time.
    if (err instanceof SqliteOpenError) return this.isRetryable(err.cause ?? {}) ? 'ping' : 'open';
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) {
      return 'open';
    }
    if (this.isRetryable(err) || code.startsWith('SQLITE_IOERR')) return 'ping';
    return 'query';
  }
}
