import { LRUCache } from 'lru-cache';
import type { App } from '../store/apps-repo.js';

/** How long an answer is served without asking the database whether the app's data changed: 1 s. */
export const DEFAULT_ANSWER_CACHE_TTL_MS = 1000;
/** Answers kept at most (least recently used dropped): 2 000, about 50 MB of full 30-day answers. */
export const DEFAULT_ANSWER_CACHE_ENTRIES = 2_000;

export interface AnswerCacheOptions {
  /** Default DEFAULT_ANSWER_CACHE_TTL_MS; 0 checks the data version on every call. */
  readonly ttlMs?: number;
  /** Default DEFAULT_ANSWER_CACHE_ENTRIES. */
  readonly maxEntries?: number;
}

/**
 * The cache key of a getappinfo question about one app: its day range and the fields asked (all
 * when undefined). The route and its fast path (getappinfo-fast-path.ts) both key answers by it.
 */
export function answerKey(range: { readonly from: string; readonly to: string }, fields: readonly string[] | undefined): string {
  return `${range.from}|${range.to}|${fields?.join(',') ?? '*'}`;
}

interface Entry {
  /** The app object the answer was made for: a renamed app or new baselines is another object. */
  readonly app: App;
  /** The app's data version (app_state.version) read before the answer was made. */
  readonly version: number;
  readonly body: Buffer;
  checkedAt: number;
}

/**
 * Serialised getappinfo answers. An answer stands while the app's data version is unchanged
 * (every ingested batch bumps it under the app's lock); within `ttlMs` of the last check it is
 * served without asking, so a node may lag another node's writes by at most that long. Batches
 * ingested by this process forget the app's answers at once.
 */
export class AnswerCache {
  readonly #ttlMs: number;
  readonly #entries: LRUCache<string, Entry>;
  readonly #keysOf = new Map<number, Set<string>>();

  constructor(options: AnswerCacheOptions = {}) {
    this.#ttlMs = options.ttlMs ?? DEFAULT_ANSWER_CACHE_TTL_MS;
    this.#entries = new LRUCache<string, Entry>({
      max: Math.max(1, options.maxEntries ?? DEFAULT_ANSWER_CACHE_ENTRIES),
      // An evicted answer leaves its app's index too.
      dispose: (entry, id, reason) => {
        if (reason === 'evict') this.#keysOf.get(entry.app.sdkappid)?.delete(id);
      },
    });
  }

  /** An answer checked less than ttlMs ago, for this very app object. */
  fresh(app: App, key: string, nowMs: number): Buffer | undefined {
    const entry = this.#entries.get(`${app.sdkappid}|${key}`);
    return entry?.app === app && nowMs - entry.checkedAt < this.#ttlMs ? entry.body : undefined;
  }

  /** Whether an answer is held for this very app object, checked recently or not (current() may then serve it). */
  holds(app: App, key: string): boolean {
    return this.#entries.peek(`${app.sdkappid}|${key}`)?.app === app;
  }

  /** An answer made at `version` (the app's current data version), marked as checked now. */
  current(app: App, key: string, version: number, nowMs: number): Buffer | undefined {
    const entry = this.#entries.get(`${app.sdkappid}|${key}`);
    if (entry?.app !== app || entry.version !== version) return undefined;
    entry.checkedAt = nowMs;
    return entry.body;
  }

  store(app: App, key: string, version: number, body: Buffer, nowMs: number): void {
    const id = `${app.sdkappid}|${key}`;
    this.#entries.set(id, { app, version, body, checkedAt: nowMs });
    let keys = this.#keysOf.get(app.sdkappid);
    if (!keys) this.#keysOf.set(app.sdkappid, (keys = new Set()));
    keys.add(id);
  }

  /** Drops the app's answers (its data changed in this process). */
  forget(sdkappid: number): void {
    for (const id of this.#keysOf.get(sdkappid) ?? []) this.#entries.delete(id);
    this.#keysOf.delete(sdkappid);
  }

  /** Drops every answer (changes from other nodes may have been missed). */
  clear(): void {
    this.#entries.clear();
    this.#keysOf.clear();
  }
}
