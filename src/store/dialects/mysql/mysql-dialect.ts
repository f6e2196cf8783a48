import { Kysely, MysqlDialect, sql, type CreateTableBuilder, type InsertQueryBuilder, type InsertResult } from 'kysely';
import { createPool } from 'mysql2';
import type { Database } from '../../schema.js';
import { DialectBase } from '../dialect-base.js';
import type { DbFailure } from '../dialect.js';
import { classifyNetworkError } from '../network-errors.js';

export interface MysqlStoreOptions {
  /** A `mysql://` (or `mariadb://`) connection string. */
  readonly url: string;
  /** Pool size; default 10. */
  readonly poolSize?: number;
}

const CANNOT_OPEN_ERRNOS = new Set([1044, 1045, 1049]);
const RETRYABLE_ERRNOS = new Set([1205, 1213]);

/** MySQL 8 (and MariaDB, see ../mariadb): `INSERT IGNORE` and `ON DUPLICATE KEY UPDATE`. */
export class MysqlStoreDialect extends DialectBase {
  readonly name: string = 'mysql';
  override readonly transactionIsolation = 'read committed' as const;

  constructor(private readonly options: MysqlStoreOptions) {
    super();
  }

  createKysely(): Kysely<Database> {
    const url = new URL(this.options.url);
    url.protocol = 'mysql:';
    const pool = createPool({
      uri: url.toString(),
      connectionLimit: this.options.poolSize ?? 10,
      connectTimeout: 3000,
      // Counters are BIGINT; ours stay below 2^53, so plain numbers are exact.
      supportBigNumbers: true,
      bigNumberStrings: false,
      enableKeepAlive: true,
    });
    pool.on('connection', (conn) => conn.on('error', () => {}));
    return new Kysely<Database>({ dialect: new MysqlDialect({ pool }) });
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

  override insertedRows(result: InsertResult): number {
    return Number(result.numInsertedOrUpdatedRows ?? 0n);
  }

  isRetryable(err: unknown): boolean {
    return RETRYABLE_ERRNOS.has((err as { errno?: number }).errno ?? 0);
  }

  classify(err: unknown): DbFailure {
    const errno = (err as { errno?: number }).errno ?? 0;
    if (CANNOT_OPEN_ERRNOS.has(errno)) return 'open';
    if ((err as { fatal?: boolean }).fatal) return classifyNetworkError(err) ?? 'ping';
    return classifyNetworkError(err) ?? 'query';
  }
}
