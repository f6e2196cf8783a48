/** Bytes all callback bodies being received or handled may hold together by default: 64 MiB. */
export const DEFAULT_CALLBACK_BODY_BUDGET_BYTES = 64 * 1024 * 1024;

/**
 * A bound on the memory that concurrent request bodies may hold together: each body reserves its
 * bytes as they arrive and gives them back when its request is over. A body that does not fit is
 * refused with a retryable answer instead of letting 30 clients take half a gigabyte.
 */
export class BodyBudget {
  readonly #limit: number;
  #held = 0;

  constructor(limitBytes = DEFAULT_CALLBACK_BODY_BUDGET_BYTES) {
    if (!Number.isSafeInteger(limitBytes) || limitBytes <= 0) throw new RangeError(`BodyBudget: limit must be a positive number of bytes, got ${limitBytes}`);
    this.#limit = limitBytes;
  }

  /** Reserves `bytes`; false (nothing reserved) when they do not fit. */
  reserve(bytes: number): boolean {
    if (this.#held + bytes > this.#limit) return false;
    this.#held += bytes;
    return true;
  }

  /** Gives back bytes reserved earlier. */
  release(bytes: number): void {
    this.#held = Math.max(0, this.#held - bytes);
  }

  /** Bytes reserved now. */
  get held(): number {
    return this.#held;
  }

  /** The bound, in bytes. */
  get limit(): number {
    return this.#limit;
  }
}
