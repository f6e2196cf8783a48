import { applyBatch, applyPreTallied } from '../aggregate/apply-batch.js';
import type { BatchKey, BatchStore } from '../aggregate/batch-store.js';
import type { ImEvent, Rejection } from '../events/event.js';
import type { NumberedValue } from '../events/parse-ndjson.js';
import { validateEvent, type ValidationContext, type Validated } from '../events/validate-event.js';
import { dayOfZone, type DayOf } from '../time/day-of.js';
import { decodeStateful, decodeTally, type PreparedBatch } from './prepared-batch.js';

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
  /** Told after every call that validated events (metrics/ingest-metrics.ts counts them). */
  readonly onOutcome?: (outcome: IngestOutcome) => void;
}

/** What one ingest call did: the events of its parts and, when it wrote, how long the transaction took. */
export interface IngestOutcome {
  readonly accepted: number;
  readonly rejected: number;
  /** Events of parts whose batch id was applied before (counted nothing). */
  readonly duplicate: number;
  /** Parts committed (0 when nothing was written). */
  readonly batchesApplied: number;
  /** Milliseconds the database transaction took; undefined when nothing was written. */
  readonly commitMs?: number;
}

/** A batch id's parts other than the app, which the ingestor adds (store/batch-id.ts builds the id). */
export type IngestBatchKey = Omit<BatchKey, 'sdkappid'>;

export interface IngestBatchOptions {
  /** The app of events that name none; events naming another app are rejected. It scopes the batch ids. */
  readonly sdkappid?: number;
  /** Idempotency key: a batch applied before is acknowledged and changes nothing. */
  readonly batch?: IngestBatchKey;
}

export interface IngestResult {
  /** Valid lines applied now. */
  readonly accepted: number;
  /** Valid lines of a batch applied before: acknowledged, not applied again. */
  readonly alreadyApplied: number;
  readonly rejected: number;
  /** Every rejected line with its reason, in line order. */
  readonly errors: Rejection[];
  /** True when the batch id had been applied before (nothing changed). */
  readonly duplicate: boolean;
}

/** One of several batches applied in one transaction (ingestParts). */
export interface IngestPart {
  readonly values: readonly NumberedValue[];
  /** Batch ids that must all be new for the part to count, claimed in order (scoped by the call's app). */
  readonly claims: readonly IngestBatchKey[];
  /** Rejections found before validation (undecodable lines), merged into the result. */
  readonly earlier?: readonly Rejection[];
}

/**
 * Validates a batch of decoded values and applies the valid events in one transaction; each
 * invalid one is reported with its line and reason and the rest still count.
 */
export class Ingestor {
  readonly retentionDays: number;
  readonly #clock: () => number;
  readonly #onApplied: ((sdkappids: ReadonlySet<number>) => void) | undefined;
  readonly #onOutcome: ((outcome: IngestOutcome) => void) | undefined;
  readonly #zones = new Map<number, DayOf>();

  constructor(
    private readonly store: BatchStore,
    private readonly appZone: AppZoneLookup,
    options: IngestorOptions = {},
  ) {
    this.retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
    this.#clock = options.clock ?? Date.now;
    this.#onApplied = options.onApplied;
    this.#onOutcome = options.onOutcome;
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

  /** The clock validation and batch claims use (Unix ms). */
  now(): number {
    return this.#clock();
  }

  /** The app's time zone, undefined for an app that does not exist (cached as `ingest` caches it). */
  async timeZone(sdkappid: number): Promise<string | undefined> {
    return (this.#zones.get(sdkappid) ?? (await this.#zone(sdkappid)))?.timeZone;
  }

  /**
   * Applies a batch validated and partly tallied elsewhere (ingestStream's worker thread, with
   * this ingestor's clock, retention and zones): what `ingest` does after validating, with the
   * same result, callbacks and exactly-once claim.
   */
  async applyPrepared(batch: PreparedBatch, options: IngestBatchOptions = {}): Promise<IngestResult> {
    const claims = options.batch ? [{ ...options.batch, sdkappid: options.sdkappid }] : [];
    let applied = true;
    let commitMs: number | undefined;
    if (batch.events > 0 || claims.length > 0) {
      const started = performance.now();
      // Zones the worker was told of are cached here: timeZone() put them there.
      const result = await applyPreTallied(
        this.store,
        claims,
        batch.apps.map((app) => ({ sdkappid: app.sdkappid, stateful: decodeStateful(app), tally: () => decodeTally(app) })),
        { nowMs: batch.nowMs, retentionDays: this.retentionDays, dayOf: (id) => this.#zones.get(id)! },
      );
      applied = result.applied;
      commitMs = performance.now() - started;
      if (applied && batch.events > 0) this.#onApplied?.(new Set(batch.apps.map((a) => a.sdkappid)));
    }
    const result: IngestResult = {
      accepted: applied ? batch.events : 0,
      alreadyApplied: applied ? 0 : batch.events,
      rejected: batch.rejections.length,
      errors: [...batch.rejections],
      duplicate: !applied,
    };
    this.#onOutcome?.({
      accepted: result.accepted,
      rejected: result.rejected,
      duplicate: result.alreadyApplied,
      batchesApplied: commitMs === undefined || !applied ? 0 : 1,
      ...(commitMs !== undefined ? { commitMs } : {}),
    });
    return result;
  }

  /** Validates and applies one batch (see the class). */
  async ingest(values: readonly NumberedValue[], options: IngestBatchOptions = {}, earlier: readonly Rejection[] = []): Promise<IngestResult> {
    const [result] = await this.ingestParts([{ values, claims: options.batch ? [options.batch] : [], earlier }], { sdkappid: options.sdkappid });
    return result!;
  }

  /**
   * Validates several batches and applies them in one transaction: all or none are committed, and
   * a part whose batch id was applied before counts nothing (the callback inbox drains this way).
   */
  async ingestParts(parts: readonly IngestPart[], options: { readonly sdkappid?: number } = {}): Promise<IngestResult[]> {
    const nowMs = this.#clock();
    const ctx = { nowMs, retentionDays: this.retentionDays, defaultSdkappid: options.sdkappid };
    const checked = [];
    for (const part of parts) {
      const events: ImEvent[] = [];
      const errors: Rejection[] = [...(part.earlier ?? [])];
      // The zone from the cache when there: awaiting #zone for every event (a microtask each) cost
      // about 4% of ingestion.
      for (const { line, value } of part.values) {
        const v = validated(value, ctx);
        if (!v.ok) {
          errors.push({ line, reason: v.reason });
        } else if (!(this.#zones.get(v.event.sdkappid) ?? (await this.#zone(v.event.sdkappid)))) {
          errors.push({ line, reason: `unknown app ${v.event.sdkappid}` });
        } else {
          events.push(v.event);
        }
      }
      errors.sort((a, b) => a.line - b.line);
      checked.push({ events, errors, claims: part.claims.map((c) => ({ ...c, sdkappid: options.sdkappid })) });
    }
    let applied: readonly boolean[] = checked.map(() => true);
    let commitMs: number | undefined;
    if (checked.some((p) => p.events.length > 0 || p.claims.length > 0)) {
      const started = performance.now();
      const result = await applyBatch(this.store, checked, {
        nowMs,
        retentionDays: this.retentionDays,
        dayOf: (id) => this.#zones.get(id)!,
      });
      applied = result.applied;
      commitMs = performance.now() - started;
      if (result.events > 0) {
        const apps = new Set<number>();
        checked.forEach((p, i) => applied[i] && p.events.forEach((e) => apps.add(e.sdkappid)));
        this.#onApplied?.(apps);
      }
    }
    const results = checked.map(({ events, errors }, i) => ({
      accepted: applied[i] ? events.length : 0,
      alreadyApplied: applied[i] ? 0 : events.length,
      rejected: errors.length,
      errors,
      duplicate: !applied[i],
    }));
    if (this.#onOutcome) {
      const sum = (f: (r: IngestResult) => number) => results.reduce((n, r) => n + f(r), 0);
      this.#onOutcome({
        accepted: sum((r) => r.accepted),
        rejected: sum((r) => r.rejected),
        duplicate: sum((r) => r.alreadyApplied),
        batchesApplied: commitMs === undefined ? 0 : applied.filter(Boolean).length,
        ...(commitMs !== undefined ? { commitMs } : {}),
      });
    }
    return results;
  }
}

/** validateEvent, with anything it might still throw turned into this line's rejection: one bad line never costs the batch. */
export function validated(value: unknown, ctx: ValidationContext): Validated {
  try {
    return validateEvent(value, ctx);
  } catch (err) {
    return { ok: false, reason: `cannot be validated: ${err instanceof Error ? err.message.slice(0, 200) : 'unknown error'}` };
  }
}
