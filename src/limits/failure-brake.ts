import { positiveInteger, systemClock, type Clock } from './clock.js';
import type { LimitStore } from './limit-store.js';
import { LocalLimitStore } from './local-limit-store.js';

export interface FailureBrakeOptions {
  /** Failures allowed per key per window before the brake engages; default 20. */
  readonly threshold?: number;
  /** Default 60 000 ms. */
  readonly windowMs?: number;
  /** Prefix of this brake's keys in the store, so brakes sharing a store stay apart; default `brake:`. */
  readonly prefix?: string;
  /** Where counts live; default a LocalLimitStore (this process). */
  readonly store?: LimitStore;
  readonly clock?: Clock;
}

/**
 * Counts failures per key; engaged until the window passes. A key's window opens at its first
 * failure and lasts `windowMs`; once it holds more than `threshold` failures, `isBraked` answers
 * true until the window ends, then the key starts afresh.
 */
export class FailureBrake {
  readonly #threshold: number;
  readonly #windowMs: number;
  readonly #prefix: string;
  readonly #store: LimitStore;
  readonly #clock: Clock;

  constructor(options: FailureBrakeOptions = {}) {
    this.#threshold = positiveInteger('FailureBrake', 'threshold', options.threshold ?? 20);
    this.#windowMs = positiveInteger('FailureBrake', 'windowMs', options.windowMs ?? 60_000);
    this.#prefix = options.prefix ?? 'brake:';
    this.#store = options.store ?? new LocalLimitStore();
    this.#clock = options.clock ?? systemClock;
  }

  /** True when `key` is braked. */
  async isBraked(key: string): Promise<boolean> {
    return (await this.#store.failures(this.#prefix + key, this.#windowMs, this.#clock())) > this.#threshold;
  }

  /** As isBraked, answered at once when the store has a synchronous path (LimitStore.failuresNow), else the promise. */
  isBrakedNow(key: string): boolean | Promise<boolean> {
    const store = this.#store;
    if (store.failuresNow === undefined) return this.isBraked(key);
    return store.failuresNow(this.#prefix + key, this.#windowMs, this.#clock()) > this.#threshold;
  }

  /** Records one failure for `key`. */
  async recordFailure(key: string): Promise<void> {
    await this.#store.addFailure(this.#prefix + key, this.#windowMs, this.#clock());
  }
}
