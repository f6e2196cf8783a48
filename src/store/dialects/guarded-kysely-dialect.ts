import type {
  CompiledQuery,
  DatabaseConnection,
  DatabaseIntrospector,
  Dialect,
  DialectAdapter,
  Driver,
  Kysely,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';
import { StoreError } from '../store-error.js';
import type { DbFailure } from './dialect.js';

/** What a statement does, for the message: its verb and the first table it names (`select stats`). */
function describe(query: CompiledQuery): string {
  const verb = /^\s*(\w+)/.exec(query.sql)?.[1]?.toLowerCase() ?? 'query';
  const table = /\b(?:from|into|update|table)\s+["`]?(\w+)/i.exec(query.sql)?.[1];
  return table ? `${verb} ${table}` : verb;
}

/**
 * Wraps a Kysely dialect so every failure of its driver (connecting, a statement, a transaction
 * boundary) reaches the caller as a classified StoreError. It sits under every query any repo
 * makes, so no store method can forget it; `guard()` around a method only adds what it was doing.
 */
export class GuardedKyselyDialect implements Dialect {
  constructor(
    private readonly inner: Dialect,
    private readonly classify: (err: unknown) => DbFailure,
  ) {}

  createDriver(): Driver {
    return new GuardedDriver(this.inner.createDriver(), this.classify);
  }
  createQueryCompiler(): QueryCompiler {
    return this.inner.createQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return this.inner.createAdapter();
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's Dialect interface takes Kysely<any>
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return this.inner.createIntrospector(db);
  }
}

class GuardedDriver implements Driver {
  /** Our connection wrapper → the inner driver's own connection (its methods need their own). */
  readonly #inner = new WeakMap<DatabaseConnection, DatabaseConnection>();
  /** The inner driver's connection → our wrapper of it. */
  readonly #guarded = new WeakMap<DatabaseConnection, DatabaseConnection>();

  constructor(
    private readonly driver: Driver,
    private readonly classify: (err: unknown) => DbFailure,
  ) {}

  async #run<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw this.#failure(what, err);
    }
  }

  #failure(what: string, err: unknown): StoreError {
    if (err instanceof StoreError) return err;
    return new StoreError(this.classify(err), `${what}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }

  #unwrap(connection: DatabaseConnection): DatabaseConnection {
    return this.#inner.get(connection) ?? connection;
  }

  init(): Promise<void> {
    return this.#run('opening the database', () => this.driver.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.#run('connecting to the database', () => this.driver.acquireConnection());
    // One wrapper per driver connection, made at its first use: a query allocates nothing here.
    let guarded = this.#guarded.get(connection);
    if (guarded === undefined) {
      guarded = this.#wrap(connection);
      this.#guarded.set(connection, guarded);
      this.#inner.set(guarded, connection);
    }
    return guarded;
  }

  #wrap(connection: DatabaseConnection): DatabaseConnection {
    const failure = (what: string, err: unknown) => this.#failure(what, err);
    return {
      // The statement is described (two regular expressions over its SQL) only when it failed.
      executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        try {
          return await connection.executeQuery<R>(query);
        } catch (err) {
          throw failure(describe(query), err);
        }
      },
      async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
        try {
          yield* connection.streamQuery<R>(query, chunkSize);
        } catch (err) {
          throw failure(describe(query), err);
        }
      },
    };
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.#run('beginning a transaction', () => this.driver.beginTransaction(this.#unwrap(connection), settings));
  }
  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#run('committing a transaction', () => this.driver.commitTransaction(this.#unwrap(connection)));
  }
  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#run('rolling back a transaction', () => this.driver.rollbackTransaction(this.#unwrap(connection)));
  }
  savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.#run('setting a savepoint', () => this.driver.savepoint!(this.#unwrap(connection), name, compile));
  }
  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.#run('rolling back to a savepoint', () => this.driver.rollbackToSavepoint!(this.#unwrap(connection), name, compile));
  }
  releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.#run('releasing a savepoint', () => this.driver.releaseSavepoint!(this.#unwrap(connection), name, compile));
  }
  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.driver.releaseConnection(this.#unwrap(connection));
  }
  destroy(): Promise<void> {
    return this.driver.destroy();
  }
}
