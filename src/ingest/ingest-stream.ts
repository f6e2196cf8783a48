import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Transform, type Readable } from 'node:stream';
import type { Rejection } from '../events/event.js';
import { parseNdjsonLines } from '../events/parse-ndjson.js';
import type { Ingestor } from './ingestor.js';

/** Lines per batch (one transaction each); memory is bounded by this, not by the input size. */
export const DEFAULT_BATCH_LINES = 50_000;

export interface StreamProgress {
  readonly bytes: number;
  readonly lines: number;
  readonly accepted: number;
  readonly rejected: number;
}

export interface StreamIngestOptions {
  /** The app of events that name none. */
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
 * Batch ids come from the batch's content and its position, so feeding the same input again
 * (say after a crash) skips every batch that was committed and applies the rest.
 */
function batchId(lines: readonly string[], firstLine: number): string {
  // One update of the joined text: a million small updates cost more than the hashing itself.
  const hash = createHash('sha256').update(lines.join('\n')).digest('base64url');
  return `ndjson:${firstLine}:${hash}`;
}

/** Streams NDJSON into the pipeline in fixed-size atomic batches. */
export async function ingestStream(ingestor: Ingestor, input: Readable, options: StreamIngestOptions = {}): Promise<StreamSummary> {
  const batchLines = options.batchLines ?? DEFAULT_BATCH_LINES;
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const lines = createInterface({ input: input.pipe(counter), crlfDelay: Infinity });
  const totals = { lines: 0, accepted: 0, rejected: 0, batches: 0, skippedBatches: 0 };
  let batch: string[] = [];
  let firstLine = 1;

  const flush = async () => {
    if (batch.length === 0) return;
    const parsed = parseNdjsonLines(batch, firstLine);
    const result = await ingestor.ingest(parsed.values, { sdkappid: options.sdkappid, batchId: batchId(batch, firstLine) }, parsed.rejections);
    totals.batches++;
    if (result.duplicate) totals.skippedBatches++;
    totals.accepted += result.accepted;
    totals.rejected += result.rejected;
    for (const r of result.errors) options.onRejection?.(r);
    firstLine += batch.length;
    batch = [];
    options.onProgress?.({ bytes, lines: totals.lines, accepted: totals.accepted, rejected: totals.rejected });
  };

  for await (const line of lines) {
    batch.push(line);
    totals.lines++;
    if (batch.length >= batchLines) await flush();
  }
  await flush();
  return { bytes, ...totals };
}
