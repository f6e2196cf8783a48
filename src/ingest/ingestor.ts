import { applyBatch } from '../aggregate/apply-batch.js';
import type { BatchStore } from '../aggregate/batch-store.js';
import type { ImEvent, Rejection } from '../events/event.js';
import type { NumberedValue } from '../events/parse-ndjson.js';
import { validateEvent } from '../events/validate-event.js';
import { dayOfZone, type DayOf } from '../time/day-of.js';

/** Default retention of per-user detail and of the accepted event age, in days. */
export const DEFAULT_RETENTION_DAYS = 35;

/** How the ingestor learns an app's time zone; undefined for an app that does not exist. */
export type AppZoneLookup = (sdkappid: number) => Promise<string | undefined>;

export interface IngestorOptions {
  readonly retentionDays?: number;
  /** Unix ms; default Date.now. */
  readonly clock?: () => number;
  /** Called after a batch changed these apps' numbers (caches of answers listen). */
  readonly onApplied?: (sdkappids: ReadonlySet<number>) => void;
}

export interface IngestBatchOptions {
  /** The app of events that name none; events naming another app are rejected. */
  readonly sdkappid?: number;
  /** Idempotency key: a batch id applied before is acknowledged and changes nothing. */
  readonly batchId?: string;
}

export interface IngestResult {
  readonly accepted: number;
  readonly rejected: number;
  /** Every rejected line with its reason, in line order. */
  readonly errors: Rejection[];
  /** True when the batch id had been applied before (nothing changed). */
  readonly duplicate: boolean;
}

/**
 * Validates a batch of decoded values and applies the valid events in one transaction; each
 * invalid one is reported with its line and reason and the rest still count.
 */
export class Ingestor {
  readonly retentionDays: number;
  readonly #clock: () => number;
  readonly #onApplied: ((sdkappids: ReadonlySet<number>) => void) | undefined;
  readonly #zones = new Map<number, DayOf>();

  constructor(
    private readonly store: BatchStore,
    private readonly appZone: AppZoneLookup,
    options: IngestorOptions = {},
  ) {
    this.retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
    this.#clock = options.clock ?? Date.now;
    this.#onApplied = options.onApplied;
  }

  async #zone(sdkappid: number): Promise<DayOf | undefined> {
    let zone = this.#zones.get(sdkappid);
    if (!zone) {
      const name = await this.appZone(sdkappid);
      if (name === undefined) return undefined;
      zone = dayOfZone(name);
      this.#zones.set(sdkappid, zone);
    }
    return zone;
  }

  async ingest(values: readonly NumberedValue[], options: IngestBatchOptions = {}, earlier: readonly Rejection[] = []): Promise<IngestResult> {
    const nowMs = this.#clock();
    const ctx = { nowMs, retentionDays: this.retentionDays, defaultSdkappid: options.sdkappid };
    const events: ImEvent[] = [];
    const errors: Rejection[] = [...earlier];
    // The zone from the cache when there: awaiting #zone for every event (a microtask each) cost
    // about 4% of ingestion.
    for (const { line, value } of values) {
      const v = validateEvent(value, ctx);
      if (!v.ok) {
        errors.push({ line, reason: v.reason });
      } else if (!(this.#zones.get(v.event.sdkappid) ?? (await this.#zone(v.event.sdkappid)))) {
        errors.push({ line, reason: `unknown app ${v.event.sdkappid}` });
      } else {
        events.push(v.event);
      }
    }
    errors.sort((a, b) => a.line - b.line);
    let duplicate = false;
    if (events.length > 0 || options.batchId !== undefined) {
      const result = await applyBatch(this.store, events, {
        batchId: options.batchId,
        nowMs,
        retentionDays: this.retentionDays,
        dayOf: (id) => this.#zones.get(id)!,
      });
      duplicate = !result.applied;
      if (result.applied && events.length > 0) this.#onApplied?.(new Set(events.map((e) => e.sdkappid)));
    }
    return { accepted: events.length, rejected: errors.length, errors, duplicate };
  }
}
