import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../../schema.js';
import { DialectBase } from '../dialect-base.js';
import type { DbFailure } from '../dialect.js';
import { classifyNetworkError } from '../network-errors.js';

export interface PostgresStoreOptions {
  /** A `postgres://` connection string. */
  readonly url: string;
  /** Pool size; default 10. */
  readonly poolSize?: number;
}

// int8 (COUNT, SUM, bigint columns) arrives as text by default; our values stay below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

/** SQLSTATE classes that mean "the server is unreachable or went away". */
const CONNECTION_CLASS = '08';
const SHUTDOWN_CODES = new Set(['57P01', '57P02', '57P03']);
const CANNOT_OPEN_CODES = new Set(['3D000', '28000', '28P01']);
const RETRYABLE_CODES = new Set(['40001', '40P01', '55P03']);

export class PostgresStoreDialect extends DialectBase {
  readonly name = 'postgres';
  override readonly transactionIsolation = 'read committed' as const;

  constructor(private readonly options: PostgresStoreOptions) {
    super();
  }

  createKysely(): Kysely<Database> {
    const pool = new pg.Pool({
      connectionString: this.options.url,
      max: this.options.poolSize ?? 10,
      connectionTimeoutMillis: 3000,
      idleTimeoutMillis: 30_000,
    });
    // An idle client losing its server must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }

  isRetryable(err: unknown): boolean {
    return RETRYABLE_CODES.has((err as { code?: string }).code ?? '');
  }

  classify(err: unknown): DbFailure {
    const code = (err as { code?: string }).code ?? '';
    if (CANNOT_OPEN_CODES.has(code)) return 'open';
    if (code.startsWith(CONNECTION_CLASS) || SHUTDOWN_CODES.has(code)) return 'ping';
    return classifyNetworkError(err) ?? 'query';
  }
}
