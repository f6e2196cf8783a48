import { COUNTED_FIELDS, type CountedField } from './fields.js';

/**
 * Compiles, once, a function that builds a record with one property per counted field as a single
 * object literal: `{ ...fixed, F1: each('F1'), F2: each('F2'), … }`. Setting 29 properties by name
 * in a loop is a megamorphic keyed store each, which profiling showed to be the largest JavaScript
 * cost of a getappinfo answer (30 rows and 30 days per call); a literal also gives every record the
 * same shape. `each` and `fixed` are JavaScript expressions over `params`; field names come from the
 * catalog and are checked to be identifiers. Kept because it pays: bench/compile-record-bench.ts
 * measured 6-9x fewer ns per record than the plain loops (bench/compile-record.test.ts checks that
 * both build the same records).
 */
export function compileCountedRecord<F extends (...args: never[]) => unknown>(
  params: readonly string[],
  each: (field: CountedField) => string,
  fixed: Readonly<Record<string, string>> = {},
): F {
  for (const f of COUNTED_FIELDS) if (!/^[A-Za-z_]\w*$/.test(f)) throw new Error(`field name ${f} is not an identifier`);
  const entries = [...Object.entries(fixed).map(([k, v]) => `${k}: ${v}`), ...COUNTED_FIELDS.map((f) => `${f}: ${each(f)}`)];
  return new Function(...params, `return {${entries.join(', ')}};`) as F;
}

/**
 * Compiles, once, a function returning one string concatenation of `pieces`, JavaScript
 * expressions over `params` (see report/daily-report-json.ts: a day of the getappinfo answer as
 * JSON in one expression, with no loop and no per-field lookup).
 */
export function compileConcat<F extends (...args: never[]) => string>(params: readonly string[], pieces: readonly string[]): F {
  return new Function(...params, `return ${pieces.map((p) => `(${p})`).join(' + ')};`) as F;
}
