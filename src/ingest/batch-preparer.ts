import { createHash } from 'node:crypto';
import { byApp } from '../aggregate/apply-batch.js';
import { needsState, statefulEvents, tallyEvent, tallyStateless } from '../aggregate/reduce-app-batch.js';
import { Tally } from '../aggregate/tally.js';
import type { ImEvent, Rejection } from '../events/event.js';
import { parseNdjsonLines } from '../events/parse-ndjson.js';
import { dayOfZone, type DayOf } from '../time/day-of.js';
import type { ValidationContext } from '../events/validate-event.js';
import { validated } from './ingestor.js';
import { AppEncoder, encodeApp, type PreparedApp, type PreparedBatch } from './prepared-batch.js';

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
  /** What the lines of the open batch came to so far. */
  #current: OpenBatch | undefined;

  constructor(options: BatchPreparerOptions) {
    this.#options = options;
  }

  /**
   * Adds lines in input order and returns the batches they complete. Each line is parsed,
   * validated and tallied as it comes (its stateful part packed at once), so a batch's decoded
   * events do not all live until it ends (they would survive young-generation collections, and
   * copying them cost more than parsing). `text`, when given, holds the lines from its start,
   * each followed by \n (LineSplitter.push): spans of it are hashed whole. `nowMs`: validation's
   * now for the batches these lines open.
   */
  async add(lines: readonly string[], text: string | undefined, nowMs: number): Promise<PreparedBatch[]> {
    const out: PreparedBatch[] = [];
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
      this.#current ??= new OpenBatch(nowMs, this.#options);
      this.#lines.push(line);
      // A promise only when an app's zone must be asked for: one per line would cost a microtask each.
      const waiting = this.#take(this.#current, line, this.#firstLine + this.#lines.length - 1);
      if (waiting) await waiting;
      offset += line.length + 1;
      if (this.#lines.length >= this.#options.batchLines) {
        hashSpan(i + 1);
        spanStart = i + 1;
        spanOffset = offset;
        out.push(await this.#cut());
      }
    }
    hashSpan(lines.length);
    return out;
  }

  /** The last, partial batch (at the end of the input); undefined when there is none. */
  async end(): Promise<PreparedBatch | undefined> {
    return this.#lines.length > 0 ? this.#cut() : undefined;
  }

  /** One line into the open batch (parseNdjsonLines and Ingestor.ingestParts, line by line); a promise when it waits for a zone. */
  #take(batch: OpenBatch, text: string, line: number): Promise<void> | undefined {
    if (text.charCodeAt(0) !== 123 && text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      batch.rejections.push({ line, reason: `invalid JSON: ${(err as Error).message}` });
      return;
    }
    const v = validated(value, batch.ctx);
    if (!v.ok) return void batch.rejections.push({ line, reason: v.reason });
    const { event } = v;
    const dayOf = this.#zones.get(event.sdkappid);
    if (dayOf) return void batch.take(event, dayOf);
    return this.#zone(event.sdkappid).then((zone) => {
      if (zone) batch.take(event, zone);
      else batch.rejections.push({ line, reason: `unknown app ${event.sdkappid}` });
    });
  }

  /** The batch of the lines added since the last cut; its key is ndjsonBatchKey's, hashed as the lines came. */
  async #cut(): Promise<PreparedBatch> {
    const lines = { firstLine: this.#firstLine, lines: this.#lines, key: `${this.#firstLine}:${this.#hash.digest('base64url')}` };
    const open = this.#current!;
    this.#firstLine += this.#lines.length;
    this.#lines = [];
    this.#hash = createHash('sha256');
    this.#hashedSpans = 0;
    this.#current = undefined;
    // Events out of time order within an app: prepared again from the lines, all at once (byApp sorts).
    return open.sorted ? open.finish(lines) : this.prepare(lines, open.ctx.nowMs);
  }

  async #zone(sdkappid: number): Promise<DayOf | undefined> {
    if (!this.#zones.has(sdkappid)) {
      const name = await this.#options.zoneOf(sdkappid);
      this.#zones.set(sdkappid, name === undefined ? undefined : dayOfZone(name));
    }
    return this.#zones.get(sdkappid);
  }

  /** Parses, validates and tallies one batch at once, validating against `nowMs` (events out of time order). */
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

/** Per app of the open batch: its stateless tally and its stateful events packed, as statefulEvents would give them. */
class OpenApp {
  readonly tally = new Tally();
  readonly encoder = new AppEncoder();
  lastTime = -Infinity;
  #previousHour = '';
  #count = 0;
  /** The time of the last event when it needs no state and got no clock mark (it gets one if it stays the last). */
  #unmarked: number | undefined;

  take(e: ImEvent, dayOf: DayOf): void {
    const hour = dayOf.hour(e.time);
    tallyEvent(e, hour, this.tally);
    if (needsState(e)) {
      this.encoder.addStateful(e);
      this.#unmarked = undefined;
    } else if (this.#count === 0 || hour !== this.#previousHour) {
      this.encoder.addStateful({ type: 'clock', time: e.time, sdkappid: e.sdkappid });
      this.#unmarked = undefined;
    } else {
      this.#unmarked = e.time;
    }
    this.#previousHour = hour;
    this.#count++;
    this.lastTime = e.time;
  }

  finish(sdkappid: number): PreparedApp {
    if (this.#unmarked !== undefined) this.encoder.addStateful({ type: 'clock', time: this.#unmarked, sdkappid });
    return this.encoder.finish(sdkappid, this.tally);
  }
}

/** The batch being read: its validation context, rejections and apps. */
class OpenBatch {
  readonly ctx: ValidationContext;
  readonly rejections: Rejection[] = [];
  readonly apps = new Map<number, OpenApp>();
  events = 0;
  /** False once an event is older than the one before it of its app (statefulEvents needs time order). */
  sorted = true;

  constructor(nowMs: number, options: BatchPreparerOptions) {
    this.ctx = { nowMs, retentionDays: options.retentionDays, defaultSdkappid: options.sdkappid };
  }

  take(e: ImEvent, dayOf: DayOf): void {
    let app = this.apps.get(e.sdkappid);
    if (!app) this.apps.set(e.sdkappid, (app = new OpenApp()));
    if (e.time < app.lastTime) this.sorted = false;
    this.events++;
    // Out of order: all is done again from the lines at the end (BatchPreparer.prepare).
    if (this.sorted) app.take(e, dayOf);
  }

  finish(lines: LineBatch): PreparedBatch {
    return {
      firstLine: lines.firstLine,
      lines: lines.lines.length,
      key: lines.key,
      nowMs: this.ctx.nowMs,
      events: this.events,
      rejections: this.rejections,
      apps: [...this.apps].sort(([a], [b]) => a - b).map(([sdkappid, app]) => app.finish(sdkappid)),
    };
  }
}
