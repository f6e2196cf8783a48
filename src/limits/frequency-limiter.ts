import { positiveInteger, systemClock, type Clock } from './clock.js';

export interface FrequencyLimiterOptions {
  /** Calls allowed per key per window; default 200. */
  readonly limit?: number;
  /** Window length; default 1000 ms. */
  readonly windowMs?: number;
  /** Keys tracked at most (oldest evicted); default 100 000. */
  readonly maxKeys?: number;
  readonly clock?: Clock;
}

interface Window {
  /** Index of the window: floor(now / windowMs). */
  readonly index: number;
  count: number;
}

/**
 * Counts calls per key in fixed windows aligned to the clock (0–999 ms, 1000–1999 ms, … by
 * default); `take` answers false once the key is over the limit. Refused calls are not queued.
 *
 * At most `maxKeys` keys are tracked: a key starting a new window moves to the back, so the
 * front holds the stalest window and is evicted first. Evicting a key still in its window
 * forgets its count (it may then get up to `limit` more calls) — the price of bounded memory
 * when more keys than `maxKeys` are active within one window.
 */
export class FrequencyLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  readonly #clock: Clock;
  readonly #windows = new Map<string, Window>();

  constructor(options: FrequencyLimiterOptions = {}) {
    this.#limit = positiveInteger('FrequencyLimiter', 'limit', options.limit ?? 200);
    this.#windowMs = positiveInteger('FrequencyLimiter', 'windowMs', options.windowMs ?? 1000);
    this.#maxKeys = positiveInteger('FrequencyLimiter', 'maxKeys', options.maxKeys ?? 100_000);
    this.#clock = options.clock ?? systemClock;
  }

  /** Counts one call for `key`; false when it is over the limit (the call must be refused). */
  take(key: string): boolean {
    const index = Math.floor(this.#clock() / this.#windowMs);
    const current = this.#windows.get(key);
    if (current !== undefined && current.index === index) {
      if (current.count >= this.#limit) return false;
      current.count++;
      return true;
    }
    this.#windows.delete(key);
    this.#windows.set(key, { index, count: 1 });
    while (this.#windows.size > this.#maxKeys) {
      this.#windows.delete(this.#windows.keys().next().value as string);
    }
    return true;
  }

  /** Keys currently tracked (bounded by maxKeys). */
  get size(): number {
    return this.#windows.size;
  }
}
