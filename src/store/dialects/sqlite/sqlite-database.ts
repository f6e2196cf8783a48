import BetterSqlite3 from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Raised when the database file is gone or cannot be opened; maps to 130009. */
export class SqliteOpenError extends Error {
  readonly code = 'IMSTATS_SQLITE_OPEN';
}

export interface SqliteDatabaseOptions {
  /** Path of the database file, or `:memory:`. */
  readonly path: string;
  /** How long a statement waits for another process's lock before failing (ms). */
  readonly busyTimeoutMs: number;
}

/**
 * The statement cache's budget, in characters of SQL. A prepared statement's native memory grows
 * with its text (measured: about 40 bytes a character, 2.6 MB for a 30,000-parameter insert), and
 * V8 cannot see it, so the cache is bounded by text, not by count: with 256 entries, cached
 * multi-row statements of a long ingest held tens of megabytes outside the heap (the main
 * thread's malloc arena 107 MB, 77 MB without them, at the same point of a 1.43 M-user file).
 * Statements longer than STATEMENT_CACHE_ENTRY_CHARS (a batch's multi-row writes, whose row
 * counts rarely repeat: 10 of 11 missed in a 1 M-event ingest) are prepared, run and dropped.
 */
export const STATEMENT_CACHE_CHARS = 256 * 1024;
export const STATEMENT_CACHE_ENTRY_CHARS = 16 * 1024;
const STATEMENT_CACHE_MAX = 256;

/**
 * The better-sqlite3 handle Kysely talks to, made survivable: it notices when the database file
 * was removed or replaced and reopens it (or fails with SqliteOpenError until it is back) and caches
 * prepared statements. (Transactions begin `immediate`: see ImmediateSqliteDialect.)
 */
export class ReopeningSqliteDatabase implements SqliteDatabase {
  #db: BetterSqlite3.Database | undefined;
  #inode = 0;
  #openedOnce = false;
  readonly #statements = new LRUCache<string, BetterSqlite3.Statement>({
    max: STATEMENT_CACHE_MAX,
    maxSize: STATEMENT_CACHE_CHARS,
    maxEntrySize: STATEMENT_CACHE_ENTRY_CHARS,
    sizeCalculation: (_statement, sql) => sql.length,
  });

  constructor(private readonly options: SqliteDatabaseOptions) {}

  get #inMemory(): boolean {
    return this.options.path === ':memory:';
  }

  #open(): BetterSqlite3.Database {
    const { path, busyTimeoutMs } = this.options;
    try {
      if (!this.#inMemory && !this.#openedOnce) mkdirSync(dirname(path), { recursive: true });
      // After the first open the file must stay where it is: a missing file is an outage,
      // not an invitation to start again from an empty database.
      const db = new BetterSqlite3(path, { fileMustExist: this.#openedOnce && !this.#inMemory, timeout: busyTimeoutMs });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.defaultSafeIntegers(false);
      this.#inode = this.#inMemory ? 0 : statSync(path).ino;
      this.#openedOnce = true;
      return db;
    } catch (err) {
      throw new SqliteOpenError(`cannot open SQLite database ${path}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** The live handle; reopens when the file was removed or replaced since the last call. */
  #handle(): BetterSqlite3.Database {
    if (this.#db && !this.#inMemory && !this.#sameFile()) this.#drop();
    this.#db ??= this.#open();
    return this.#db;
  }

  #sameFile(): boolean {
    try {
      return statSync(this.options.path).ino === this.#inode;
    } catch {
      return false;
    }
  }

  #drop(): void {
    this.#statements.clear();
    try {
      this.#db?.close();
    } catch {
      // already unusable; nothing to release
    }
    this.#db = undefined;
  }

  prepare(query: string): SqliteStatement {
    const db = this.#handle();
    let statement = this.#statements.get(query);
    if (!statement) {
      statement = db.prepare(query);
      this.#statements.set(query, statement);
    }
    return statement as unknown as SqliteStatement;
  }

  close(): void {
    this.#drop();
  }
}
