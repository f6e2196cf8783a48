import { LRUCache } from 'lru-cache';
import type { App, AppsRepo } from '../store/apps-repo.js';

/** How long an app (or its absence) is trusted: 1 s, so apps changed from another node show up quickly. */
export const DEFAULT_APP_CACHE_TTL_MS = 1000;
/** Apps kept at most (least recently used dropped): 10 000. */
export const DEFAULT_APP_CACHE_ENTRIES = 10_000;

export interface AppCacheOptions {
  /** Default DEFAULT_APP_CACHE_TTL_MS (1 s); 0 disables caching. */
  readonly ttlMs?: number;
  /** Default DEFAULT_APP_CACHE_ENTRIES. */
  readonly maxEntries?: number;
  /** Milliseconds clock; default Date.now. */
  readonly clock?: () => number;
}

interface Entry {
  readonly app: App | undefined;
  readonly expiresAt: number;
}

/**
 * Apps by SDKAppID, kept briefly so the hot path reads SQL once per app per TTL instead of twice
 * per call. Unknown apps are cached too (a flood of bad ids stays off the database); concurrent
 * misses share one query; failures are not cached, so the first call after a database outage
 * reads again.
 */
export class AppCache {
  readonly #ttlMs: number;
  readonly #clock: () => number;
  readonly #entries: LRUCache<number, Entry>;
  readonly #loading = new Map<number, Promise<App | undefined>>();

  constructor(
    private readonly repo: Pick<AppsRepo, 'get'>,
    options: AppCacheOptions = {},
  ) {
    this.#ttlMs = options.ttlMs ?? DEFAULT_APP_CACHE_TTL_MS;
    this.#entries = new LRUCache({ max: Math.max(1, options.maxEntries ?? DEFAULT_APP_CACHE_ENTRIES) });
    this.#clock = options.clock ?? Date.now;
  }

  /** The app, or undefined when it does not exist; throws StoreError when the database fails. */
  get(sdkappid: number): Promise<App | undefined> {
    const entry = this.#entries.get(sdkappid);
    if (entry !== undefined && this.#clock() < entry.expiresAt) return Promise.resolve(entry.app);
    return this.#loadShared(sdkappid);
  }

  /**
   * The app (or undefined when it does not exist) when the cache can answer now, else a promise
   * as from get(): the hot path stays synchronous for cached apps, with no promise or microtask.
   */
  getNow(sdkappid: number): App | undefined | Promise<App | undefined> {
    const entry = this.#entries.get(sdkappid);
    if (entry !== undefined && this.#clock() < entry.expiresAt) return entry.app;
    return this.#loadShared(sdkappid);
  }

  #loadShared(sdkappid: number): Promise<App | undefined> {
    let loading = this.#loading.get(sdkappid);
    if (loading === undefined) {
      loading = this.#load(sdkappid);
      this.#loading.set(sdkappid, loading);
    }
    return loading;
  }

  async #load(sdkappid: number): Promise<App | undefined> {
    try {
      const app = await this.repo.get(sdkappid);
      if (this.#ttlMs > 0) {
        this.#entries.set(sdkappid, { app, expiresAt: this.#clock() + this.#ttlMs });
      }
      return app;
    } finally {
      this.#loading.delete(sdkappid);
    }
  }

  /** Drops one app, e.g. after this process changed it. */
  forget(sdkappid: number): void {
    this.#entries.delete(sdkappid);
  }

  /** Drops every app (changes from other nodes may have been missed). */
  clear(): void {
    this.#entries.clear();
  }
}
