import { LRUCache } from 'lru-cache';
import type { App } from '../store/apps-repo.js';

/** How long an answer is served without asking the database whether the app's data changed: 1 s. */
export const DEFAULT_ANSWER_CACHE_TTL_MS = 1000;
/** Answers kept at most (least recently used dropped): 2 000, about 50 MB of full 30-day answers. */
export const DEFAULT_ANSWER_CACHE_ENTRIES = 2_000;
/** Questions remembered as asked once, per answer kept (see AnswerCache.store): an LRU of N answers only ever serves a question asked again within N others, so a few times N is enough. */
const SEEN_PER_ENTRY = 2;

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
 *
 * An answer is kept from the second time its question is answered: the first time, only the
 * question is remembered (at least the last SEEN_PER_ENTRY × maxEntries asked once). Questions
 * asked once and not again soon — a sweep over more apps than the cache keeps — then never push
 * out the answers asked for again and again, and cost no churn: each kept answer outlives many
 * young-generation collections, so a cache filled and emptied at the call rate kept V8 running
 * a full collection about every second under that sweep (10,000 apps rotating: 18 in 20 s, against 3
 * with nothing kept), with marking steps of 15–30 ms in the answers' latency.
 */
export class AnswerCache {
  readonly #ttlMs: number;
  readonly #entries: LRUCache<string, Entry>;
  readonly #keysOf = new Map<number, Set<string>>();
  /**
   * Questions answered once and not kept, in two generations: when the newer is full it becomes
   * the older and the older is dropped, so the last seenMax questions at least are remembered.
   */
  #seen = new Set<string>();
  #seenBefore = new Set<string>();
  readonly #seenMax: number;

  constructor(options: AnswerCacheOptions = {}) {
    this.#ttlMs = options.ttlMs ?? DEFAULT_ANSWER_CACHE_TTL_MS;
    const max = Math.max(1, options.maxEntries ?? DEFAULT_ANSWER_CACHE_ENTRIES);
    this.#seenMax = SEEN_PER_ENTRY * max;
    this.#entries = new LRUCache<string, Entry>({
      max,
      // An evicted answer leaves its app's index too; its question stays asked before.
      dispose: (entry, id, reason) => {
        if (reason !== 'evict') return;
        this.#keysOf.get(entry.app.sdkappid)?.delete(id);
        this.#see(id);
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

  /** Keeps the answer if its question was asked before (held, forgotten or seen once); else remembers the question. */
  store(app: App, key: string, version: number, body: Buffer, nowMs: number): void {
    const id = `${app.sdkappid}|${key}`;
    if (!this.#entries.has(id) && !this.#seen.delete(id) && !this.#seenBefore.delete(id)) {
      this.#see(id);
      return;
    }
    this.#entries.set(id, { app, version, body, checkedAt: nowMs });
    let keys = this.#keysOf.get(app.sdkappid);
    if (!keys) this.#keysOf.set(app.sdkappid, (keys = new Set()));
    keys.add(id);
  }

  #see(id: string): void {
    if (this.#seen.size >= this.#seenMax) {
      this.#seenBefore = this.#seen;
      this.#seen = new Set();
    }
    this.#seen.add(id);
  }

  /** Drops the app's answers (its data changed in this process); their questions stay asked before, so the next answers are kept. */
  forget(sdkappid: number): void {
    for (const id of this.#keysOf.get(sdkappid) ?? []) {
      this.#entries.delete(id);
      this.#see(id);
    }
    this.#keysOf.delete(sdkappid);
  }

  /** Drops every answer (changes from other nodes may have been missed); the questions held stay asked before. */
  clear(): void {
    for (const id of this.#entries.keys()) this.#see(id);
    this.#entries.clear();
    this.#keysOf.clear();
  }
}
