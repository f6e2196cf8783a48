import { type Kysely, MysqlDialect, sql, type MysqlPool, type CreateTableBuilder, type InsertQueryBuilder, type InsertResult } from 'kysely';
import { createRequire } from 'node:module';
import type * as mysql2 from 'mysql2';
import type { Database } from '../../schema.js';
import { DialectBase } from '../dialect-base.js';
import type { DbFailure, PoolStats } from '../dialect.js';
import { classifyNetworkError, isConnectFailure, markConnectFailure } from '../network-errors.js';

export interface MysqlStoreOptions {
  /** A `mysql://` (or `mariadb://`) connection string. */
  readonly url: string;
  /** Pool size; default 10. */
  readonly poolSize?: number;
  /** Close a pooled connection idle this long; default 30 000 ms. */
  readonly idleTimeoutMs?: number;
}

/**
 * The server cannot be used at all: access denied (1044, 1045), no such database (1049), too many
 * connections (1040, 1203), host blocked or not allowed (1129, 1130).
 */
const CANNOT_OPEN_ERRNOS = new Set([1040, 1044, 1045, 1049, 1129, 1130, 1203]);
/** Server shutting down (1053), connection killed (1927, MariaDB), gone away or lost (2006, 2013). */
const CONNECTION_LOST_ERRNOS = new Set([1053, 1927, 2006, 2013]);
/** Lock wait time-out (1205), deadlock (1213), record changed since read (1020, MariaDB snapshot isolation). */
const RETRYABLE_ERRNOS = new Set([1020, 1205, 1213]);

/** The mysql2 driver, loaded when the first MySQL store is made (not at start-up on SQLite). */
const loadMysql2 = (): typeof mysql2 => createRequire(import.meta.url)('mysql2') as typeof mysql2;

/** MySQL 8 (and MariaDB, see ../mariadb): `INSERT IGNORE` and `ON DUPLICATE KEY UPDATE`. */
export class MysqlStoreDialect extends DialectBase {
  readonly name: string = 'mysql';
  override readonly transactionIsolation = 'read committed' as const;
  /** `blob` holds 64 KiB only; a day's set of a large app is bigger. */
  override readonly blobType = 'mediumblob';

  constructor(private readonly options: MysqlStoreOptions) {
    super();
  }

  #pool: { readonly pool: object; readonly max: number } | undefined;

  override poolStats(): PoolStats | undefined {
    if (!this.#pool) return undefined;
    // mysql2 keeps these as internal queues (no public counters); read defensively.
    const p = this.#pool.pool as { _allConnections?: { length: number }; _freeConnections?: { length: number }; _connectionQueue?: { length: number } };
    return { max: this.#pool.max, open: p._allConnections?.length ?? 0, idle: p._freeConnections?.length ?? 0, waiting: p._connectionQueue?.length ?? 0 };
  }

  createKysely(): Kysely<Database> {
    const url = new URL(this.options.url);
    url.protocol = 'mysql:';
    const connectionLimit = this.options.poolSize ?? 10;
    const pool = loadMysql2().createPool({
      uri: url.toString(),
      connectionLimit,
      // mysql2 closes idle connections only when maxIdle is below the limit, and by default it
      // is not: every connection of a burst would stay open until the server's wait_timeout
      // (8 hours). One below the limit keeps the pool warm and lets idleTimeout apply.
      maxIdle: Math.max(1, connectionLimit - 1),
      idleTimeout: this.options.idleTimeoutMs ?? 30_000,
      connectTimeout: 3000,
      // Counters are BIGINT; ours stay below 2^53, so plain numbers are exact.
      supportBigNumbers: true,
      bigNumberStrings: false,
      // Probe idle connections after 10 s (mysql2's 0 leaves the OS default, 2 hours), so one
      // silently dropped by a NAT or firewall is noticed before a query hangs on it.
      enableKeepAlive: true,
      keepAliveInitialDelay: 10_000,
    });
    pool.on('connection', (conn) => conn.on('error', () => {}));
    this.#pool = { pool, max: connectionLimit };
    const connecting: MysqlPool = {
      getConnection: (callback) => pool.getConnection((err, conn) => callback(err ? markConnectFailure(err) : err, conn)),
      end: (callback) => pool.end(callback),
    };
    return this.kysely(new MysqlDialect({ pool: connecting }));
  }

  override withTableOptions<T extends string, C extends string>(table: CreateTableBuilder<T, C>): CreateTableBuilder<T, C> {
    // Ids are compared byte for byte, as on the other databases ('Alice' ≠ 'alice').
    return table.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`);
  }

  override ignoreDuplicates<DB, TB extends keyof DB, O>(insert: InsertQueryBuilder<DB, TB, O>): InsertQueryBuilder<DB, TB, O> {
    return insert.ignore();
  }

  override mergeOnConflict<DB, TB extends keyof DB, O>(
    insert: InsertQueryBuilder<DB, TB, O>,
    _table: string,
    _keyColumns: readonly string[],
    addColumns: readonly string[],
    maxColumns: readonly string[],
  ): InsertQueryBuilder<DB, TB, O> {
    const set: Record<string, unknown> = {};
    for (const c of addColumns) set[c] = sql`${sql.ref(c)} + values(${sql.ref(c)})`;
    for (const c of maxColumns) set[c] = sql`greatest(${sql.ref(c)}, values(${sql.ref(c)}))`;
    return insert.onDuplicateKeyUpdate(set as never);
  }

  override replaceOnConflict<DB, TB extends keyof DB, O>(
    insert: InsertQueryBuilder<DB, TB, O>,
    _table: string,
    _keyColumns: readonly string[],
    replaceColumns: readonly string[],
  ): InsertQueryBuilder<DB, TB, O> {
    const set: Record<string, unknown> = {};
    for (const c of replaceColumns) set[c] = sql`values(${sql.ref(c)})`;
    return insert.onDuplicateKeyUpdate(set as never);
  }

  override addAutoIncrementKey<T extends string, C extends string>(table: CreateTableBuilder<T, C>, column: string): CreateTableBuilder<T, C> {
    return table.addColumn(column, 'bigint', (c) => c.primaryKey().autoIncrement()) as unknown as CreateTableBuilder<T, C>;
  }

  /** `text` holds 64 KiB only. */
  override readonly largeTextType = sql`longtext`;

  /** MySQL 8 has no `INSERT … RETURNING`; the driver reports the id. */
  override async insertReturningId<DB, TB extends keyof DB>(insert: InsertQueryBuilder<DB, TB, object>): Promise<number> {
    return Number((await (insert as unknown as InsertQueryBuilder<DB, TB, InsertResult>).executeTakeFirstOrThrow()).insertId);
  }

  isRetryable(err: unknown): boolean {
    return RETRYABLE_ERRNOS.has((err as { errno?: number }).errno ?? 0);
  }

  classify(err: unknown): DbFailure {
    const errno = (err as { errno?: number }).errno ?? 0;
    if (CANNOT_OPEN_ERRNOS.has(errno) || isConnectFailure(err)) return 'open';
    if (CONNECTION_LOST_ERRNOS.has(errno)) return 'ping';
    if ((err as { fatal?: boolean }).fatal) return classifyNetworkError(err) ?? 'ping';
    return classifyNetworkError(err) ?? 'query';
  }
}
