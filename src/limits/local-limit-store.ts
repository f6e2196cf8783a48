import { LRUCache } from 'lru-cache';
import { positiveInteger } from './clock.js';
import type { LimitStore } from './limit-store.js';
import { admitInSlots, type SlotCount } from './sliding-window.js';

/** Keys kept at most by default, per kind (admissions, failures): 100 000. */
export const DEFAULT_LIMIT_STORE_KEYS = 100_000;

export interface LocalLimitStoreOptions {
  /** Keys tracked at most per kind (least recently written evicted); default 100 000. */
  readonly maxKeys?: number;
}

interface FailureWindow {
  readonly startedAt: number;
  count: number;
}

/**
 * LimitStore in this process's memory, for one node (a shared store makes limits hold across
 * nodes). Bounded: beyond `maxKeys` keys of a kind, the least recently written one is forgotten,
 * which can release a key early when more than `maxKeys` keys are active at once — the price of
 * bounded memory.
 */
export class LocalLimitStore implements LimitStore {
  // Read with peek (a read is no use), written with set: least recently *written* goes first.
  readonly #admissions: LRUCache<string, SlotCount[]>;
  readonly #failures: LRUCache<string, FailureWindow>;

  constructor(options: LocalLimitStoreOptions = {}) {
    const max = positiveInteger('LocalLimitStore', 'maxKeys', options.maxKeys ?? DEFAULT_LIMIT_STORE_KEYS);
    this.#admissions = new LRUCache({ max });
    this.#failures = new LRUCache({ max });
  }

  admit(key: string, limit: number, windowMs: number, nowMs: number): Promise<boolean> {
    return Promise.resolve(this.admitNow(key, limit, windowMs, nowMs));
  }

  admitNow(key: string, limit: number, windowMs: number, nowMs: number): boolean {
    const slots = this.#admissions.peek(key) ?? [];
    const admitted = admitInSlots(slots, limit, windowMs, nowMs);
    if (admitted) this.#admissions.set(key, slots);
    return admitted;
  }

  addFailure(key: string, windowMs: number, nowMs: number): Promise<number> {
    const open = this.#open(key, windowMs, nowMs);
    if (open !== undefined) {
      open.count++;
      return Promise.resolve(open.count);
    }
    // A window opens at its first failure; the earliest-opened windows are evicted first.
    this.#failures.set(key, { startedAt: nowMs, count: 1 });
    return Promise.resolve(1);
  }

  failures(key: string, windowMs: number, nowMs: number): Promise<number> {
    return Promise.resolve(this.failuresNow(key, windowMs, nowMs));
  }

  failuresNow(key: string, windowMs: number, nowMs: number): number {
    return this.#open(key, windowMs, nowMs)?.count ?? 0;
  }

  /** Keys tracked, per kind (each bounded by maxKeys). */
  get size(): { readonly admissions: number; readonly failures: number } {
    return { admissions: this.#admissions.size, failures: this.#failures.size };
  }

  #open(key: string, windowMs: number, nowMs: number): FailureWindow | undefined {
    const window = this.#failures.peek(key);
    if (window === undefined) return undefined;
    if (nowMs - window.startedAt < windowMs) return window;
    this.#failures.delete(key);
    return undefined;
  }
}
