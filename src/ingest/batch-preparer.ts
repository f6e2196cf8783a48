import { byApp } from '../aggregate/apply-batch.js';
import { statefulEvents, tallyStateless } from '../aggregate/reduce-app-batch.js';
import { Tally } from '../aggregate/tally.js';
import type { ImEvent, Rejection } from '../events/event.js';
import { parseNdjsonLines } from '../events/parse-ndjson.js';
import { dayOfZone, type DayOf } from '../time/day-of.js';
import { validated } from './ingestor.js';
import { ndjsonBatchKey } from './ndjson-batch-key.js';
import { encodeApp, type PreparedBatch } from './prepared-batch.js';

export interface BatchPreparerOptions {
  /** Lines per batch. */
  readonly batchLines: number;
  readonly retentionDays: number;
  /** The app of events that name none (as Ingestor.ingest's). */
  readonly sdkappid?: number;
  /** An app's time zone; undefined for an app that does not exist (its events are rejected). */
  readonly zoneOf: (sdkappid: number) => Promise<string | undefined>;
}

/** Lines cut into a batch, not yet prepared. */
export interface LineBatch {
  readonly firstLine: number;
  readonly lines: readonly string[];
}

/**
 * What ingestStream's worker thread does with lines (the same steps, in the same order, as the
 * in-thread path's parseNdjsonLines, Ingestor.ingestParts and applyBatch): cuts them into
 * batches of `batchLines`, and per batch computes its id, parses and validates each line,
 * rejects events of unknown apps, groups the events by app in time order, tallies what needs
 * no state and packs the rest (PreparedBatch). Holds no state across batches but the zones.
 */
export class BatchPreparer {
  readonly #options: BatchPreparerOptions;
  readonly #zones = new Map<number, DayOf | undefined>();
  #lines: string[] = [];
  #firstLine = 1;

  constructor(options: BatchPreparerOptions) {
    this.#options = options;
  }

  /** Adds lines in input order; returns the batches they complete. */
  add(lines: readonly string[]): LineBatch[] {
    const out: LineBatch[] = [];
    for (const line of lines) {
      this.#lines.push(line);
      if (this.#lines.length >= this.#options.batchLines) out.push(this.#cut());
    }
    return out;
  }

  /** The last, partial batch (at the end of the input); undefined when there is none. */
  rest(): LineBatch | undefined {
    return this.#lines.length > 0 ? this.#cut() : undefined;
  }

  #cut(): LineBatch {
    const batch = { firstLine: this.#firstLine, lines: this.#lines };
    this.#firstLine += this.#lines.length;
    this.#lines = [];
    return batch;
  }

  async #zone(sdkappid: number): Promise<DayOf | undefined> {
    if (!this.#zones.has(sdkappid)) {
      const name = await this.#options.zoneOf(sdkappid);
      this.#zones.set(sdkappid, name === undefined ? undefined : dayOfZone(name));
    }
    return this.#zones.get(sdkappid);
  }

  /** Parses, validates and tallies one batch, validating against `nowMs`. */
  async prepare(batch: LineBatch, nowMs: number): Promise<PreparedBatch> {
    const { lines, firstLine } = batch;
    const key = ndjsonBatchKey(lines, firstLine).key;
    const parsed = parseNdjsonLines(lines, firstLine);
    const ctx = { nowMs, retentionDays: this.#options.retentionDays, defaultSdkappid: this.#options.sdkappid };
    const rejections: Rejection[] = parsed.rejections;
    const events: ImEvent[] = [];
    for (const { line, value } of parsed.values) {
      const v = validated(value, ctx);
      if (!v.ok) rejections.push({ line, reason: v.reason });
      else if (!(this.#zones.get(v.event.sdkappid) ?? (await this.#zone(v.event.sdkappid)))) rejections.push({ line, reason: `unknown app ${v.event.sdkappid}` });
      else events.push(v.event);
    }
    rejections.sort((a, b) => a.line - b.line);
    const apps = [...byApp(events)].sort(([a], [b]) => a - b);
    return {
      firstLine,
      lines: lines.length,
      key,
      nowMs,
      events: events.length,
      rejections,
      apps: apps.map(([sdkappid, appEvents]) => {
        const dayOf = this.#zones.get(sdkappid)!;
        const tally = new Tally();
        tallyStateless(appEvents, tally, dayOf);
        return encodeApp(sdkappid, tally, statefulEvents(appEvents, dayOf));
      }),
    };
  }
}
