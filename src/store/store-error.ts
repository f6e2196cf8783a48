import type { DbFailure, StoreDialect } from './dialects/dialect.js';

/** A database failure, classified once where it happened so callers can map it to 1300xx. */
export class StoreError extends Error {
  constructor(
    readonly failure: DbFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/**
 * Runs a database operation and says what it was doing in the error. Driver failures are already
 * StoreErrors (GuardedKyselyDialect classifies them under every query); guard() prefixes `what`
 * and classifies anything else thrown by `run` the same way.
 */
export async function guard<T>(dialect: StoreDialect, what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof StoreError) throw new StoreError(err.failure, `${what}: ${err.message}`, { cause: err.cause });
    const failure = dialect.classify(err);
    throw new StoreError(failure, `${what}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
}

/** Reads a database integer (number, bigint or numeric string) as a number. */
export function toNumber(value: unknown, column: string): number {
  const n = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw new StoreError('decode', `column ${column} holds ${JSON.stringify(String(value))}, not an integer`);
  return n;
}
