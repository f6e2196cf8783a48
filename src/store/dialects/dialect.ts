import type { Kysely, Transaction, CreateTableBuilder, InsertQueryBuilder, InsertResult } from 'kysely';
import type { ColumnDataType, Expression } from 'kysely';

/** A column type: a name Kysely knows or raw SQL. */
export type ColumnType = ColumnDataType | Expression<unknown>;
import type { Database } from '../schema.js';

/** Which 1300xx code a database failure maps to (shared/spec/api.md). */
export type DbFailure = 'open' | 'ping' | 'query' | 'decode';

export type Db = Kysely<Database> | Transaction<Database>;

/** A connection pool's use now, for the metrics. */
export interface PoolStats {
  /** Connections the pool may open. */
  readonly max: number;
  /** Connections open, in use or idle. */
  readonly open: number;
  /** Open connections not in use. */
  readonly idle: number;
  /** Queries waiting for a connection. */
  readonly waiting: number;
}

/**
 * Everything that differs between the databases imstats runs on, and nothing else. Query code
 * asks the dialect for these capabilities; it never tests which database it is talking to.
 * Defaults (shared by SQLite and PostgreSQL, which speak `ON CONFLICT`) live in DialectBase.
 */
export interface StoreDialect {
  /** For logs and `imstats migrate` output only; never branch on it. */
  readonly name: string;
  /** Builds the Kysely instance; connections open lazily. */
  createKysely(): Kysely<Database>;
  /** Table options (MySQL: byte-exact collation so user ids compare case-sensitively). */
  withTableOptions<T extends string, C extends string>(table: CreateTableBuilder<T, C>): CreateTableBuilder<T, C>;
  /** Makes an INSERT skip rows whose key already exists. */
  ignoreDuplicates<DB, TB extends keyof DB, O>(insert: InsertQueryBuilder<DB, TB, O>): InsertQueryBuilder<DB, TB, O>;
  /**
   * Makes an INSERT into `table` add `addColumns` to the existing row and keep the larger value of
   * `maxColumns` when the key exists.
   */
  mergeOnConflict<DB, TB extends keyof DB, O>(
    insert: InsertQueryBuilder<DB, TB, O>,
    table: string,
    keyColumns: readonly string[],
    addColumns: readonly string[],
    maxColumns: readonly string[],
  ): InsertQueryBuilder<DB, TB, O>;
  /** Makes an INSERT into `table` overwrite `replaceColumns` of the existing row when the key exists. */
  replaceOnConflict<DB, TB extends keyof DB, O>(
    insert: InsertQueryBuilder<DB, TB, O>,
    table: string,
    keyColumns: readonly string[],
    replaceColumns: readonly string[],
  ): InsertQueryBuilder<DB, TB, O>;
  /** The column type of binary values up to a few MB (the kept id sets). */
  readonly blobType: string;
  /** Adds an auto-incrementing 64-bit integer primary key column (ids grow in insertion order). */
  addAutoIncrementKey<T extends string, C extends string>(table: CreateTableBuilder<T, C>, column: string): CreateTableBuilder<T, C>;
  /** A text column type holding at least 16 MiB (callback bodies). */
  readonly largeTextType: ColumnType;
  /** Runs an INSERT of one row into a table with an auto-increment `id` (addAutoIncrementKey) and returns that id. */
  insertReturningId<DB, TB extends keyof DB>(insert: InsertQueryBuilder<DB, TB, object>): Promise<number>;
  /** Rows written by an INSERT that skips duplicates. */
  insertedRows(result: InsertResult): number;
  /** Isolation for ingestion transactions, or undefined for the database's own. */
  readonly transactionIsolation: 'read committed' | undefined;
  /** Deadlocks, lock time-outs and busy databases: the transaction may simply be run again. */
  isRetryable(err: unknown): boolean;
  /** Which API error a failure becomes. */
  classify(err: unknown): DbFailure;
  /** The pool of the last Kysely built, or undefined (no pool: SQLite's one connection). */
  poolStats(): PoolStats | undefined;
  /** Tells whether the database answers; throws a classified error when it does not. */
  ping(db: Kysely<Database>): Promise<void>;
}

