import { type Kysely, PostgresDialect, type CreateTableBuilder, type PostgresPool, type PostgresPoolClient } from 'kysely';
import { createRequire } from 'node:module';
import type pg from 'pg';
import type { Database } from '../../schema.js';
import { DialectBase } from '../dialect-base.js';
import type { DbFailure, PoolStats } from '../dialect.js';
import { classifyNetworkError, isConnectFailure, markConnectFailure } from '../network-errors.js';

export interface PostgresStoreOptions {
  /** A `postgres://` connection string. */
  readonly url: string;
  /** Pool size; default 10. */
  readonly poolSize?: number;
  /** Close a pooled connection idle this long; default 30 000 ms. */
  readonly idleTimeoutMs?: number;
}

let driver: typeof pg | undefined;

/** The pg driver, loaded when the first PostgreSQL store is made (not at start-up on SQLite). */
function loadPg(): typeof pg {
  if (driver) return driver;
  driver = createRequire(import.meta.url)('pg') as typeof pg;
  // int8 (COUNT, SUM, bigint columns) arrives as text by default; our values stay below 2^53.
  driver.types.setTypeParser(driver.types.builtins.INT8, (v) => Number(v));
  driver.types.setTypeParser(driver.types.builtins.NUMERIC, (v) => Number(v));
  return driver;
}

/** SQLSTATE class 08: connection exceptions (the connection broke, or could not be made: below). */
const CONNECTION_CLASS = '08';
/** Shut down or terminated by an administrator while connected. */
const SHUTDOWN_CODES = new Set(['57P01', '57P02']);
/**
 * The server cannot be used at all: no such database, bad credentials, not accepting
 * connections (starting up, too many connections), could not establish or rejected the connection.
 */
const CANNOT_OPEN_CODES = new Set(['3D000', '28000', '28P01', '57P03', '53300', '08001', '08004']);
/** Serialization failure, deadlock, lock not available: running the transaction again may succeed. */
const RETRYABLE_CODES = new Set(['40001', '40P01', '55P03']);

/**
 * A pooled client that is destroyed on release, not returned to the pool, once a query failed
 * with a FATAL error (terminated by an administrator, server shutting down…). The server closes
 * such a connection right after the error, but the client only learns so from the socket a
 * moment later: returned to the pool, it would fail the next query that picks it.
 */
function discardedAfterFatal(client: pg.PoolClient): PostgresPoolClient {
  let fatal = false;
  const query = (...args: unknown[]) => {
    const result = (client.query as (...a: unknown[]) => unknown)(...args);
    if (!(result instanceof Promise)) return result;
    return result.catch((err: unknown) => {
      const severity = (err as { severity?: unknown }).severity;
      if (severity === 'FATAL' || severity === 'PANIC') fatal = true;
      throw err;
    });
  };
  return { query: query as PostgresPoolClient['query'], release: (destroy?: boolean) => client.release(destroy || fatal) };
}

export class PostgresStoreDialect extends DialectBase {
  readonly name = 'postgres';
  override readonly blobType = 'bytea';
  override readonly transactionIsolation = 'read committed' as const;

  constructor(private readonly options: PostgresStoreOptions) {
    super();
  }

  #pool: pg.Pool | undefined;

  override poolStats(): PoolStats | undefined {
    const pool = this.#pool;
    return pool && { max: pool.options.max ?? 10, open: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
  }

  createKysely(): Kysely<Database> {
    const pool = new (loadPg().Pool)({
      connectionString: this.options.url,
      max: this.options.poolSize ?? 10,
      connectionTimeoutMillis: 3000,
      idleTimeoutMillis: this.options.idleTimeoutMs ?? 30_000,
      // Probes idle connections so one silently dropped (a restarted NAT or firewall) is noticed and
      // replaced instead of hanging the next query; node's default is off.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    // A client losing its server must not crash the process. pg-pool handles (and re-emits here)
    // the error of an idle client only; a client checked out for a query emits 'error' on itself
    // as well as failing the query, and with no listener that 'error' would be thrown.
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
    this.#pool = pool;
    const connecting: PostgresPool = {
      connect: () => pool.connect().then(discardedAfterFatal, (err: unknown) => Promise.reject(markConnectFailure(err))),
      end: () => pool.end(),
    };
    return this.kysely(new PostgresDialect({ pool: connecting }));
  }

  override addAutoIncrementKey<T extends string, C extends string>(table: CreateTableBuilder<T, C>, column: string): CreateTableBuilder<T, C> {
    return table.addColumn(column, 'bigserial', (c) => c.primaryKey()) as unknown as CreateTableBuilder<T, C>;
  }

  isRetryable(err: unknown): boolean {
    return RETRYABLE_CODES.has((err as { code?: string }).code ?? '');
  }

  classify(err: unknown): DbFailure {
    const code = (err as { code?: string }).code ?? '';
    if (CANNOT_OPEN_CODES.has(code) || isConnectFailure(err)) return 'open';
    if (code.startsWith(CONNECTION_CLASS) || SHUTDOWN_CODES.has(code)) return 'ping';
    return classifyNetworkError(err) ?? 'query';
  }
}
