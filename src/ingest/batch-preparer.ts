import { createHash } from 'node:crypto';
import { byApp } from '../aggregate/apply-batch.js';
import { statefulEvents, tallyStateless } from '../aggregate/reduce-app-batch.js';
import { Tally } from '../aggregate/tally.js';
import type { ImEvent, Rejection } from '../events/event.js';
import { parseNdjsonLines } from '../events/parse-ndjson.js';
import { dayOfZone, type DayOf } from '../time/day-of.js';
import { validated } from './ingestor.js';
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
  /** The batch id's key: ndjsonBatchKey(lines, firstLine).key. */
  readonly key: string;
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
  /** The hash of the current batch's lines joined by \n (ndjsonBatchKey), and how many spans it was given. */
  #hash = createHash('sha256');
  #hashedSpans = 0;

  constructor(options: BatchPreparerOptions) {
    this.#options = options;
  }

  /**
   * Adds lines in input order; returns the batches they complete. `text`, when given, holds the
   * lines from its start, each followed by \n (LineSplitter.push): spans of it are hashed whole.
   */
  add(lines: readonly string[], text?: string): LineBatch[] {
    const out: LineBatch[] = [];
    // The span of `lines` (and of `text`) not hashed yet.
    let spanStart = 0;
    let spanOffset = 0;
    let offset = 0;
    const hashSpan = (end: number) => {
      if (end <= spanStart) return;
      if (this.#hashedSpans++ > 0) this.#hash.update('\n');
      this.#hash.update(text !== undefined ? text.slice(spanOffset, offset - 1) : lines.slice(spanStart, end).join('\n'));
    };
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      this.#lines.push(line);
      offset += line.length + 1;
      if (this.#lines.length >= this.#options.batchLines) {
        hashSpan(i + 1);
        spanStart = i + 1;
        spanOffset = offset;
        out.push(this.#cut());
      }
    }
    hashSpan(lines.length);
    return out;
  }

  /** The last, partial batch (at the end of the input); undefined when there is none. */
  rest(): LineBatch | undefined {
    return this.#lines.length > 0 ? this.#cut() : undefined;
  }

  /** The batch of the lines added since the last cut; its key is ndjsonBatchKey's, hashed as the lines came. */
  #cut(): LineBatch {
    const batch = { firstLine: this.#firstLine, lines: this.#lines, key: `${this.#firstLine}:${this.#hash.digest('base64url')}` };
    this.#firstLine += this.#lines.length;
    this.#lines = [];
    this.#hash = createHash('sha256');
    this.#hashedSpans = 0;
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
    const { lines, firstLine, key } = batch;
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
