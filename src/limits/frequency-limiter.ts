import { positiveInteger, systemClock, type Clock } from './clock.js';
import type { LimitStore } from './limit-store.js';
import { LocalLimitStore } from './local-limit-store.js';

export interface FrequencyLimiterOptions {
  /** Calls allowed per key in any window; default 200. */
  readonly limit?: number;
  /** Window length; default 1000 ms. */
  readonly windowMs?: number;
  /** Where counts live; default a LocalLimitStore (this process). */
  readonly store?: LimitStore;
  readonly clock?: Clock;
}

/**
 * The per-app frequency limit as a sliding window: no interval of `windowMs` (1 s) ever admits
 * more than `limit` calls for a key, wherever it falls (a fixed window let twice the limit
 * through across a second boundary). Refused calls are not queued and not counted.
 */
export class FrequencyLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #store: LimitStore;
  readonly #clock: Clock;

  constructor(options: FrequencyLimiterOptions = {}) {
    this.#limit = positiveInteger('FrequencyLimiter', 'limit', options.limit ?? 200);
    this.#windowMs = positiveInteger('FrequencyLimiter', 'windowMs', options.windowMs ?? 1000);
    this.#store = options.store ?? new LocalLimitStore();
    this.#clock = options.clock ?? systemClock;
  }

  /** Counts one call for `key`; false when it is over the limit (the call must be refused). */
  take(key: string): Promise<boolean> {
    return this.#store.admit(`rate:${key}`, this.#limit, this.#windowMs, this.#clock());
  }

  /** As take, answered at once when the store has a synchronous path (LimitStore.admitNow), else the promise. */
  takeNow(key: string): boolean | Promise<boolean> {
    const store = this.#store;
    return store.admitNow !== undefined
      ? store.admitNow(`rate:${key}`, this.#limit, this.#windowMs, this.#clock())
      : store.admit(`rate:${key}`, this.#limit, this.#windowMs, this.#clock());
  }

  /** The limit in words for an ErrorInfo, e.g. `200 calls per second`. */
  get description(): string {
    return `${this.#limit} calls per ${this.#windowMs === 1000 ? 'second' : `${this.#windowMs} ms`}`;
  }
}
