import { Kysely, sql, type CreateTableBuilder, type Dialect, type InsertQueryBuilder, type InsertResult } from 'kysely';
import type { Database } from '../schema.js';
import type { ColumnType, DbFailure, PoolStats, StoreDialect } from './dialect.js';
import { GuardedKyselyDialect } from './guarded-kysely-dialect.js';

/** Defaults for databases that speak `INSERT … ON CONFLICT` (SQLite, PostgreSQL). */
export abstract class DialectBase implements StoreDialect {
  abstract readonly name: string;
  abstract createKysely(): Kysely<Database>;
  abstract isRetryable(err: unknown): boolean;
  abstract classify(err: unknown): DbFailure;

  readonly transactionIsolation: 'read committed' | undefined = undefined;

  poolStats(): PoolStats | undefined {
    return undefined;
  }

  /** The Kysely instance over `dialect`, every driver failure a classified StoreError. */
  protected kysely(dialect: Dialect): Kysely<Database> {
    return new Kysely<Database>({ dialect: new GuardedKyselyDialect(dialect, (err) => this.classify(err)) });
  }

  /** The SQL function returning the larger of two values. */
  protected readonly maxFunction: string = 'greatest';

  withTableOptions<T extends string, C extends string>(table: CreateTableBuilder<T, C>): CreateTableBuilder<T, C> {
    return table;
  }

  ignoreDuplicates<DB, TB extends keyof DB, O>(insert: InsertQueryBuilder<DB, TB, O>): InsertQueryBuilder<DB, TB, O> {
    return insert.onConflict((oc) => oc.doNothing());
  }

  mergeOnConflict<DB, TB extends keyof DB, O>(
    insert: InsertQueryBuilder<DB, TB, O>,
    table: string,
    keyColumns: readonly string[],
    addColumns: readonly string[],
    maxColumns: readonly string[],
  ): InsertQueryBuilder<DB, TB, O> {
    const set: Record<string, unknown> = {};
    for (const c of addColumns) set[c] = sql`${sql.ref(`${table}.${c}`)} + ${sql.ref(`excluded.${c}`)}`;
    for (const c of maxColumns) {
      set[c] = sql`${sql.raw(this.maxFunction)}(${sql.ref(`${table}.${c}`)}, ${sql.ref(`excluded.${c}`)})`;
    }
    // Column names come from the field catalog, so the dynamic object is safe to hand to Kysely.
    return insert.onConflict((oc) => oc.columns(keyColumns as never).doUpdateSet(set as never));
  }

  readonly blobType: string = 'blob';

  replaceOnConflict<DB, TB extends keyof DB, O>(
    insert: InsertQueryBuilder<DB, TB, O>,
    _table: string,
    keyColumns: readonly string[],
    replaceColumns: readonly string[],
  ): InsertQueryBuilder<DB, TB, O> {
    const set: Record<string, unknown> = {};
    for (const c of replaceColumns) set[c] = sql.ref(`excluded.${c}`);
    return insert.onConflict((oc) => oc.columns(keyColumns as never).doUpdateSet(set as never));
  }

  /** SQLite: `integer primary key autoincrement` (the rowid; never reuses an id). */
  addAutoIncrementKey<T extends string, C extends string>(table: CreateTableBuilder<T, C>, column: string): CreateTableBuilder<T, C> {
    return table.addColumn(column, 'integer', (c) => c.primaryKey().autoIncrement()) as unknown as CreateTableBuilder<T, C>;
  }

  readonly largeTextType: ColumnType = 'text';

  async insertReturningId<DB, TB extends keyof DB>(insert: InsertQueryBuilder<DB, TB, object>): Promise<number> {
    const row = (await insert.returning(sql<number>`id`.as('id') as never).executeTakeFirstOrThrow()) as { id: unknown };
    return Number(row.id);
  }

  insertedRows(result: InsertResult): number {
    return Number(result.numInsertedOrUpdatedRows ?? 0n);
  }

  async ping(db: Kysely<Database>): Promise<void> {
    await sql`select 1`.execute(db);
  }
}
