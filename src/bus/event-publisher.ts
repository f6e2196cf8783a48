import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { Rejection } from '../events/event.js';
import { eventSubject, type EventStream } from './event-stream.js';

/** Default lines per message (one app's events; a consumer applies a message as one batch). */
export const DEFAULT_PUBLISH_BATCH_LINES = 5000;
/** Default messages awaiting their JetStream acknowledgement at once. */
export const DEFAULT_PUBLISH_WINDOW = 32;
/** Default attempts per message (the same message id each time: a retry is never stored twice). */
const ATTEMPTS = 10;
/** Buffered lines over all apps that make every buffer flush (bounds memory with many apps). */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export interface PublishOptions {
  /** The app of events that name none; events naming another app are rejected. */
  readonly sdkappid?: number;
  readonly batchLines?: number;
  /** A message's payload at most (default: the server's max_payload less room for headers). */
  readonly maxBytes: number;
  readonly window?: number;
  readonly onRejection?: (rejection: Rejection) => void;
  readonly onProgress?: (summary: PublishSummary) => void;
}

export interface PublishSummary {
  readonly lines: number;
  /** Lines in messages JetStream acknowledged (stored durably). */
  readonly published: number;
  readonly rejected: number;
  readonly messages: number;
  /** Messages JetStream already had (same message id within its 2-minute window: a re-run). */
  readonly duplicates: number;
}

/** Publishing stopped: `published` says what JetStream acknowledged before. */
export class PublishError extends Error {
  constructor(
    readonly summary: PublishSummary,
    cause: unknown,
  ) {
    super(`publishing failed: ${cause instanceof Error ? cause.message : String(cause)}; acknowledged before: ${summary.published} lines in ${summary.messages} messages`, { cause });
    this.name = 'PublishError';
  }
}

interface AppBuffer {
  lines: string[];
  bytes: number;
  /** Messages of this app so far: part of the message id. */
  count: number;
  /** The app's previous message: the next one is sent only after it was acknowledged (app order). */
  tail: Promise<void>;
}

function appOfLine(text: string, fallback: number | undefined): number | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `invalid JSON: ${(err as Error).message}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const named = (value as { sdkappid?: unknown }).sdkappid;
  if (named === undefined) return fallback ?? 'names no sdkappid (pass --sdkappid)';
  if (typeof named !== 'number' || !Number.isSafeInteger(named) || named < 1) return `sdkappid ${JSON.stringify(named)} is not a positive integer`;
  if (fallback !== undefined && named !== fallback) return `event of app ${named}, not of --sdkappid ${fallback}`;
  return named;
}

/**
 * Sends NDJSON events to the stream: each line to its app's subject, an app's lines batched into
 * messages of up to `batchLines`, each message acknowledged by JetStream before the summary
 * counts it. An app's messages are sent one after another (its order is the input's); different
 * apps' messages overlap, `window` at most. Message ids come from the app, the message's position
 * among the app's and its content, so a re-run within JetStream's duplicate window stores nothing
 * twice. Lines that name no valid app are rejected with their line number.
 */
export async function publishEvents(js: JetStreamClient, stream: EventStream, input: Readable, options: PublishOptions): Promise<PublishSummary> {
  const batchLines = options.batchLines ?? DEFAULT_PUBLISH_BATCH_LINES;
  const window = options.window ?? DEFAULT_PUBLISH_WINDOW;
  const totals = { lines: 0, published: 0, rejected: 0, messages: 0, duplicates: 0 };
  const apps = new Map<number, AppBuffer>();
  const inFlight = new Set<Promise<void>>();
  let buffered = 0;
  let failure: unknown;

  const send = async (sdkappid: number, payload: string, lines: number, msgID: string): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const ack = await js.publish(eventSubject(stream, sdkappid), payload, { msgID, timeout: 5000 });
        totals.messages++;
        totals.published += lines;
        if (ack.duplicate) totals.duplicates++;
        options.onProgress?.({ ...totals });
        return;
      } catch (err) {
        if (attempt >= ATTEMPTS) throw err;
        await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** attempt, 5000)));
      }
    }
  };

  const flush = async (sdkappid: number, app: AppBuffer): Promise<void> => {
    if (app.lines.length === 0) return;
    const payload = app.lines.join('\n');
    const lines = app.lines.length;
    const msgID = createHash('sha256').update(`${sdkappid}:${app.count}:`).update(payload).digest('base64url');
    app.count++;
    buffered -= app.bytes;
    app.lines = [];
    app.bytes = 0;
    while (inFlight.size >= window) await Promise.race(inFlight);
    if (failure) throw failure;
    const sent = app.tail.then(() => (failure ? undefined : send(sdkappid, payload, lines, msgID)));
    const tracked = sent.then(
      () => void inFlight.delete(tracked),
      (err: unknown) => {
        failure ??= err;
        inFlight.delete(tracked);
      },
    );
    app.tail = tracked;
    inFlight.add(tracked);
  };

  const lineReader = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const text of lineReader) {
      totals.lines++;
      if (failure) throw failure;
      if (text.trim() === '') continue;
      const sdkappid = appOfLine(text, options.sdkappid);
      if (typeof sdkappid === 'string') {
        totals.rejected++;
        options.onRejection?.({ line: totals.lines, reason: sdkappid });
        continue;
      }
      let app = apps.get(sdkappid);
      if (!app) apps.set(sdkappid, (app = { lines: [], bytes: 0, count: 0, tail: Promise.resolve() }));
      const size = Buffer.byteLength(text) + 1;
      if (size > options.maxBytes) {
        totals.rejected++;
        options.onRejection?.({ line: totals.lines, reason: `longer than a message may be (${options.maxBytes} bytes)` });
        continue;
      }
      if (app.bytes + size > options.maxBytes) await flush(sdkappid, app);
      app.lines.push(text);
      app.bytes += size;
      buffered += size;
      if (app.lines.length >= batchLines) await flush(sdkappid, app);
      if (buffered > MAX_BUFFERED_BYTES) for (const [id, a] of apps) await flush(id, a);
    }
    for (const [id, a] of apps) await flush(id, a);
    await Promise.all(inFlight);
  } catch (err) {
    failure ??= err;
  }
  if (failure) {
    await Promise.allSettled(inFlight);
    throw new PublishError({ ...totals }, failure);
  }
  return { ...totals };
}
