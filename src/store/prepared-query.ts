import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Stands for the i-th argument while a prepared query is compiled. */
class Slot {
  constructor(readonly index: number) {}
}

/**
 * A query built and compiled by Kysely once, then run with new argument values: the hot reads
 * (a getappinfo answer makes three) skip the query builder and compiler, which cost more than
 * SQLite spends answering them. `build` receives placeholders and must pass each one to Kysely
 * as a value (`where('sdkappid', '=', id)`), never compute with it; the SQL is compiled per
 * Kysely instance, at its first run, so the dialect's own syntax is used.
 */
export function preparedQuery<A extends readonly unknown[], O>(
  arity: A['length'],
  build: (db: Kysely<Database>, ...args: A) => Compilable<O>,
): (db: Kysely<Database>, ...args: A) => Promise<O[]> {
  const compiled = new WeakMap<object, { readonly query: CompiledQuery<O>; readonly slots: readonly (number | undefined)[] }>();
  return async (db, ...args) => {
    let prepared = compiled.get(db);
    if (prepared === undefined) {
      const placeholders = Array.from({ length: arity }, (_, i) => new Slot(i)) as unknown as A;
      const query = build(db, ...placeholders).compile();
      const slots = query.parameters.map((p) => (p instanceof Slot ? p.index : undefined));
      for (let i = 0; i < arity; i++) if (!slots.includes(i)) throw new Error(`preparedQuery: argument ${i} is not a parameter of ${query.sql}`);
      prepared = { query, slots };
      compiled.set(db, prepared);
    }
    const { query, slots } = prepared;
    const parameters = slots.map((slot, i) => (slot === undefined ? query.parameters[i] : args[slot]));
    return (await db.executeQuery<O>({ ...query, parameters })).rows;
  };
}
