import { createInterface } from 'node:readline';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseNdjsonLines } from '../events/parse-ndjson.js';
import type { Ingestor } from './ingestor.js';
import { ndjsonBatchKey } from './ndjson-batch-key.js';

/** Lines per batch (one transaction each); memory is bounded by this, not by the input size. */
export const DEFAULT_BATCH_LINES = 50_000;

export { StreamSourceError, type StreamIngestOptions, type StreamProgress, type StreamSummary } from './stream-summary.js';
import { StreamSourceError, type StreamIngestOptions, type StreamSummary } from './stream-summary.js';
import { ingestInWorker } from './ingest-in-worker.js';

/**
 * Streams NDJSON into the pipeline in fixed-size atomic batches. A failing input rejects with a
 * StreamSourceError saying what was applied before it. By default a worker thread splits,
 * parses, validates and tallies what needs no state while this thread applies the batch before
 * (ingest-in-worker.ts); `inThread` does it all here. Both give the same batches, ids, numbers,
 * rejections and summary.
 */
export async function ingestStream(ingestor: Ingestor, input: Readable, options: StreamIngestOptions = {}): Promise<StreamSummary> {
  const batchLines = options.batchLines ?? DEFAULT_BATCH_LINES;
  return options.inThread ? ingestInThread(ingestor, input, batchLines, options) : ingestInWorker(ingestor, input, batchLines, options);
}

/**
 * ingestStream in this thread, lines through node:readline (`stream.pipeline` forwards the
 * source's error; `.pipe()` would drop it and leave this pending forever).
 */
async function ingestInThread(ingestor: Ingestor, input: Readable, batchLines: number, options: StreamIngestOptions): Promise<StreamSummary> {
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
    const result = await ingestor.ingest(parsed.values, { sdkappid: options.sdkappid, batch: ndjsonBatchKey(batch, firstLine) }, parsed.rejections);
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
