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

/**
 * What the cache reads. With `version` (AppsRepo's registry version, bumped by every change to
 * any app), the cache checks that one number once per TTL and keeps every app while it stands;
 * without it, each app is read again once its TTL has passed.
 */
export type AppSource = Pick<AppsRepo, 'get'> & Partial<Pick<AppsRepo, 'version'>>;

interface Entry {
  readonly app: App | undefined;
  /** Without a registry version: when the entry stops being trusted. */
  readonly expiresAt: number;
  /** With one: the registry version the entry is true at. */
  readonly version: number;
}

/**
 * Apps by SDKAppID, so the hot path reads SQL once per app per TTL instead of twice per call —
 * or, over an AppsRepo, once per registry change: the registry version is checked once per TTL
 * for all apps together, so 10,000 apps called in turn cost one small read a second, not 20,000.
 * Either way a change made on another node shows up within the TTL. Unknown apps are cached too
 * (a flood of bad ids stays off the database); concurrent misses share one query; failures are
 * not cached, so the first call after a database outage reads again. An app read again unchanged
 * stays the same object (the answer cache keys on it).
 */
export class AppCache {
  readonly #ttlMs: number;
  readonly #clock: () => number;
  readonly #entries: LRUCache<number, Entry>;
  readonly #loading = new Map<number, Promise<App | undefined>>();
  /** The registry version the entries are checked against, and when it was last read. */
  #version = -1;
  #checkedAt = -Infinity;
  #checking: Promise<void> | undefined;

  constructor(
    private readonly repo: AppSource,
    options: AppCacheOptions = {},
  ) {
    this.#ttlMs = options.ttlMs ?? DEFAULT_APP_CACHE_TTL_MS;
    this.#entries = new LRUCache({ max: Math.max(1, options.maxEntries ?? DEFAULT_APP_CACHE_ENTRIES) });
    this.#clock = options.clock ?? Date.now;
  }

  /** The app, or undefined when it does not exist; throws StoreError when the database fails. */
  async get(sdkappid: number): Promise<App | undefined> {
    return this.getNow(sdkappid);
  }

  /**
   * The app (or undefined when it does not exist) when the cache can answer now, else a promise
   * as from get(): the hot path stays synchronous for cached apps, with no promise or microtask.
   */
  getNow(sdkappid: number): App | undefined | Promise<App | undefined> {
    const entry = this.#entries.get(sdkappid);
    const now = this.#clock();
    if (this.repo.version === undefined || this.#ttlMs <= 0) {
      if (entry !== undefined && now < entry.expiresAt) return entry.app;
      return this.#loadShared(sdkappid);
    }
    if (now - this.#checkedAt < this.#ttlMs) {
      if (entry !== undefined && entry.version === this.#version) return entry.app;
      return this.#loadShared(sdkappid);
    }
    return this.#checkVersion(now).then(() => {
      const checked = this.#entries.get(sdkappid);
      return checked !== undefined && checked.version === this.#version ? checked.app : this.#loadShared(sdkappid);
    });
  }

  /** Reads the registry version (one read shared by every caller); entries of another version stop counting. */
  #checkVersion(now: number): Promise<void> {
    this.#checking ??= (async () => {
      try {
        const version = await this.repo.version!();
        // Apps read from here on are at least this version; the check counts from before the read.
        this.#version = version;
        this.#checkedAt = now;
      } finally {
        this.#checking = undefined;
      }
    })();
    return this.#checking;
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
    // Tagged with the version checked before the read: a change racing the read shows at the next check.
    const version = this.#version;
    try {
      const read = await this.repo.get(sdkappid);
      const previous = this.#entries.get(sdkappid)?.app;
      const app = previous !== undefined && read !== undefined && sameApp(previous, read) ? previous : read;
      if (this.#ttlMs > 0) {
        this.#entries.set(sdkappid, { app, expiresAt: this.#clock() + this.#ttlMs, version });
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

function sameApp(a: App, b: App): boolean {
  for (const key of Object.keys(b) as (keyof App)[]) {
    if (key === 'admins') continue;
    if (a[key] !== b[key]) return false;
  }
  return a.admins.length === b.admins.length && a.admins.every((x, i) => x === b.admins[i]);
}
