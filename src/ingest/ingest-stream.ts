import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Rejection } from '../events/event.js';
import { parseNdjsonLines } from '../events/parse-ndjson.js';
import type { IngestBatchKey, Ingestor } from './ingestor.js';

/** Lines per batch (one transaction each); memory is bounded by this, not by the input size. */
export const DEFAULT_BATCH_LINES = 50_000;

export interface StreamProgress {
  readonly bytes: number;
  readonly lines: number;
  readonly accepted: number;
  /** Valid lines of batches found applied before (a re-run resumes after them). */
  readonly alreadyApplied: number;
  readonly rejected: number;
}

export interface StreamIngestOptions {
  /** The app of events that name none; scopes the batch ids. */
  readonly sdkappid?: number;
  readonly batchLines?: number;
  /** Called after each batch. */
  readonly onProgress?: (progress: StreamProgress) => void;
  /** Called for every rejected line, in order. */
  readonly onRejection?: (rejection: Rejection) => void;
}

export interface StreamSummary extends StreamProgress {
  readonly batches: number;
  /** Batches found already applied (a re-run of an interrupted ingest resumes after them). */
  readonly skippedBatches: number;
}

/**
 * The input failed (a read error, a closed pipe): `applied` says what was committed before (its
 * `lines` are the lines of the committed batches); nothing after them is.
 */
export class StreamSourceError extends Error {
  constructor(
    readonly applied: StreamSummary,
    cause: unknown,
  ) {
    super(`reading the input failed: ${cause instanceof Error ? cause.message : String(cause)}; applied before it: lines 1–${applied.lines} (${applied.accepted} accepted, ${applied.rejected} rejected, ${applied.alreadyApplied} already applied)`, { cause });
    this.name = 'StreamSourceError';
  }
}

/**
 * Batch ids come from the batch's content and its position (the store scopes them by app), so
 * feeding the same input again (say after a crash) skips every batch that was committed and
 * applies the rest, and the same file ingested for another app is that app's batches.
 */
function batchKey(lines: readonly string[], firstLine: number): IngestBatchKey {
  // One update of the joined text: a million small updates cost more than the hashing itself.
  const hash = createHash('sha256').update(lines.join('\n')).digest('base64url');
  return { transport: 'ndjson', key: `${firstLine}:${hash}` };
}

/**
 * Streams NDJSON into the pipeline in fixed-size atomic batches. A failing input rejects with a
 * StreamSourceError saying what was applied before it (`stream.pipeline` forwards the source's
 * error; `.pipe()` would drop it and leave this pending forever).
 */
export async function ingestStream(ingestor: Ingestor, input: Readable, options: StreamIngestOptions = {}): Promise<StreamSummary> {
  const batchLines = options.batchLines ?? DEFAULT_BATCH_LINES;
  let bytes = 0;
  const counted = new PassThrough();
  counted.on('data', (chunk: Buffer) => (bytes += chunk.length));
  const piped = pipeline(input, counted);
  // Handled below through `sourceFailed`; this keeps an early failure from being unhandled.
  piped.catch(() => {});
  const lines = createInterface({ input: counted, crlfDelay: Infinity });
  const totals = { lines: 0, accepted: 0, alreadyApplied: 0, rejected: 0, batches: 0, skippedBatches: 0 };
  let batch: string[] = [];
  let firstLine = 1;
  const summary = (): StreamSummary => ({ bytes, ...totals });

  const flush = async () => {
    if (batch.length === 0) return;
    const parsed = parseNdjsonLines(batch, firstLine);
    const result = await ingestor.ingest(parsed.values, { sdkappid: options.sdkappid, batch: batchKey(batch, firstLine) }, parsed.rejections);
    totals.batches++;
    if (result.duplicate) totals.skippedBatches++;
    totals.accepted += result.accepted;
    totals.alreadyApplied += result.alreadyApplied;
    totals.rejected += result.rejected;
    for (const r of result.errors) options.onRejection?.(r);
    firstLine += batch.length;
    batch = [];
    options.onProgress?.({ bytes, lines: totals.lines, accepted: totals.accepted, alreadyApplied: totals.alreadyApplied, rejected: totals.rejected });
  };

  // pipeline destroys `counted` with the source's error, which ends the line loop with it.
  const iterator = lines[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<string>;
    try {
      next = await iterator.next();
      if (next.done) await piped;
    } catch (err) {
      // The partial batch read before the failure is not applied: its id would not match the
      // complete batch of a re-run, which would then count its lines twice.
      throw new StreamSourceError({ ...summary(), lines: firstLine - 1 }, err);
    }
    if (next.done) break;
    batch.push(next.value);
    totals.lines++;
    if (batch.length >= batchLines) await flush();
  }
  await flush();
  return summary();
}
