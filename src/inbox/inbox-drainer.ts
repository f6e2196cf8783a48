import type { IngestBatchKey, IngestPart, IngestResult, Ingestor } from '../ingest/ingestor.js';
import type { CallbackInbox } from './callback-inbox.js';
import type { InboxEntry, InboxTranslator } from './inbox-entry.js';

/** Entries applied per transaction at most: 200 (a burst drains in few commits; one entry may hold 10,000 events). */
export const DEFAULT_DRAIN_ENTRIES = 200;
/** How often the inbox is checked for entries nobody is applying (a node stopped): every 1 s. */
export const DEFAULT_POLL_MS = 1000;
/** Entries older than this are drained by any node, not only the one that stored them: 5 s. */
export const DEFAULT_ORPHAN_AFTER_MS = 5000;
/** Waits after a failed drain (the database away) before the poll tries again; the entries stay stored. */
const RETRY_AFTER_FAILURE_MS = 500;

/** What became of one entry. */
export interface DrainOutcome {
  /** False when its delivery had been applied before (a retry), or another node applied the entry. */
  readonly applied: boolean;
  readonly result: IngestResult;
}

export interface InboxDrainerOptions {
  /** One translator per transport name. */
  readonly translators: ReadonlyMap<string, InboxTranslator>;
  /** Unix ms clock (the stored receivedAt times are on it); default Date.now. */
  readonly clock?: () => number;
  readonly drainEntries?: number;
  readonly pollMs?: number;
  readonly orphanAfterMs?: number;
  /** Told about failures that leave entries stored for a later attempt, and entries no translator could read. */
  readonly onError?: (err: unknown, what: string) => void;
}

/**
 * Applies the callback inbox: per app, entries in id order, many per transaction. Each entry
 * claims the batch id `inbox:<app>:<id>` in the transaction that applies it (then its delivery
 * key, when it has one), so an entry counts exactly once however many nodes take it and whether
 * or not a crash came between commit and removal. Apps drain in parallel, each app in order.
 */
export class InboxDrainer {
  readonly #inbox: CallbackInbox;
  readonly #ingestor: Ingestor;
  readonly #translators: ReadonlyMap<string, InboxTranslator>;
  readonly #clock: () => number;
  readonly #drainEntries: number;
  readonly #pollMs: number;
  readonly #orphanAfterMs: number;
  readonly #onError: (err: unknown, what: string) => void;
  /** Per app: the drain running, and whether it must look again when done. */
  readonly #running = new Map<number, { done: Promise<void>; again: boolean }>();
  readonly #waiters = new Map<number, Array<(outcome: DrainOutcome) => void>>();
  #poller: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(inbox: CallbackInbox, ingestor: Ingestor, options: InboxDrainerOptions) {
    this.#inbox = inbox;
    this.#ingestor = ingestor;
    this.#translators = options.translators;
    this.#clock = options.clock ?? Date.now;
    this.#drainEntries = options.drainEntries ?? DEFAULT_DRAIN_ENTRIES;
    this.#pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.#orphanAfterMs = options.orphanAfterMs ?? DEFAULT_ORPHAN_AFTER_MS;
    this.#onError = options.onError ?? (() => {});
  }

  /** Drains every app with stored entries (those left by an earlier run too), then polls for orphaned ones. */
  start(): void {
    this.#stopped = false;
    void this.#sweep(Number.MAX_SAFE_INTEGER);
    this.#poller = setInterval(() => void this.#sweep(this.#clock() - this.#orphanAfterMs), this.#pollMs);
    this.#poller.unref();
  }

  /** Stops polling and waits for the drains running; what is left stays stored for the next start. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#poller);
    while (this.#running.size > 0) await Promise.all([...this.#running.values()].map((r) => r.done));
  }

  /** Drains the app now (or once more after the drain running); resolves when the inbox had nothing left for it. */
  kick(sdkappid: number): Promise<void> {
    const running = this.#running.get(sdkappid);
    if (running) {
      running.again = true;
      return running.done;
    }
    const state = { done: Promise.resolve(), again: false };
    state.done = (async () => {
      try {
        do {
          state.again = false;
          await this.#drainApp(sdkappid);
        } while (state.again && !this.#stopped);
      } catch (err) {
        this.#onError(err, `applying stored callbacks of app ${sdkappid}`);
        // The entries stay stored; the next poll (or kick) tries again.
        await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_FAILURE_MS).unref());
      } finally {
        this.#running.delete(sdkappid);
      }
    })();
    this.#running.set(sdkappid, state);
    return state.done;
  }

  /** Resolves with the entry's outcome once this process applied it, or undefined after `ms`. */
  outcomeWithin(id: number, ms: number): Promise<DrainOutcome | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const list = this.#waiters.get(id)?.filter((w) => w !== settle);
        if (list?.length) this.#waiters.set(id, list);
        else this.#waiters.delete(id);
        resolve(undefined);
      }, ms);
      const settle = (outcome: DrainOutcome) => {
        clearTimeout(timer);
        resolve(outcome);
      };
      this.#waiters.set(id, [...(this.#waiters.get(id) ?? []), settle]);
    });
  }

  async #sweep(receivedBy: number): Promise<void> {
    if (this.#stopped) return;
    try {
      for (const sdkappid of await this.#inbox.appsWaiting(receivedBy)) void this.kick(sdkappid);
    } catch (err) {
      this.#onError(err, 'reading the callback inbox');
    }
  }

  async #drainApp(sdkappid: number): Promise<void> {
    while (!this.#stopped) {
      const entries = await this.#inbox.oldest(sdkappid, this.#drainEntries);
      if (entries.length === 0) return;
      const parts = entries.map((e) => this.#part(e));
      const results = await this.#ingestor.ingestParts(parts, { sdkappid });
      await this.#inbox.remove(entries.map((e) => e.id));
      entries.forEach((e, i) => {
        const outcome = { applied: !results[i]!.duplicate, result: results[i]! };
        for (const settle of this.#waiters.get(e.id) ?? []) settle(outcome);
        this.#waiters.delete(e.id);
      });
    }
  }

  #part(entry: InboxEntry): IngestPart {
    const claims: IngestBatchKey[] = [{ transport: 'inbox', key: String(entry.id), atMs: entry.receivedAt }];
    if (entry.dedupeKey !== undefined) {
      claims.push({ transport: entry.transport, key: entry.dedupeKey, atMs: entry.receivedAt, ...(entry.dedupeWindowMs === undefined ? {} : { reclaimAfterMs: entry.dedupeWindowMs }) });
    }
    let events: readonly unknown[] = [];
    try {
      const translate = this.#translators.get(entry.transport);
      if (!translate) throw new Error(`no translator for transport ${JSON.stringify(entry.transport)}`);
      events = translate(entry);
    } catch (err) {
      this.#onError(err, `translating stored callback ${entry.id} (${entry.transport}); it is dropped`);
    }
    return { values: events.map((value, i) => ({ line: i + 1, value })), claims };
  }
}
