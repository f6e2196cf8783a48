import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import type { Ingestor } from './ingestor.js';
import type { ToMain, ToWorker, WorkerSetup } from './ingest-worker-protocol.js';
import type { PreparedBatch } from './prepared-batch.js';
import { StreamSourceError, type StreamIngestOptions, type StreamSummary } from './stream-summary.js';

/**
 * Input bytes handed to the worker and not yet split: the reader waits past this. A few batches'
 * worth (~110 bytes a line), since this thread reads nothing while it commits a batch.
 */
const MAX_BYTES_IN_FLIGHT = 16 << 20;
/** Prepared batches waiting to be applied: the worker waits past this (one applying, one ready). */
const MAX_BATCHES_AHEAD = 2;

/**
 * ingestStream with both cores: this thread reads the input and hands its bytes to a worker
 * thread, which splits the lines, cuts the batches, parses, validates and tallies what needs no
 * state (BatchPreparer), while this thread applies the batch before: the stateful rest of the
 * reduction against the database and the commit (Ingestor.applyPrepared). Batches are applied
 * one at a time in input order; queues are bounded both ways (bytes in flight, batches ahead).
 * A source failure applies the batches its ended lines complete, then rejects with a
 * StreamSourceError (as the in-thread path); a worker that fails or dies rejects with its error,
 * and nothing after the last committed batch is written.
 */
export async function ingestInWorker(ingestor: Ingestor, input: Readable, batchLines: number, options: StreamIngestOptions): Promise<StreamSummary> {
  const setup: WorkerSetup = { batchLines, retentionDays: ingestor.retentionDays, sdkappid: options.sdkappid, maxAhead: MAX_BATCHES_AHEAD };
  const worker = new Worker(options.workerScript ?? new URL('./ingest-worker.js', import.meta.url), { workerData: setup });
  const post = (message: ToWorker, transfer: ArrayBuffer[] = []) => worker.postMessage(message, transfer);

  const queue: PreparedBatch[] = [];
  let workerDone = false;
  let failure: { error: unknown } | undefined;
  let stopping = false;
  let bytesInFlight = 0;
  let resumeInput = () => {};
  /** Who waits for news from the worker (the apply loop, the reader); all woken at each. */
  let waiting: Array<() => void> = [];
  const changed = () => {
    const woken = waiting;
    waiting = [];
    for (const w of woken) w();
  };
  const waitForWorker = () => new Promise<void>((resolve) => waiting.push(resolve));
  const fail = (error: unknown) => {
    failure ??= { error };
    changed();
  };

  worker.on('message', (message: ToMain) => {
    switch (message.kind) {
      case 'zone':
        ingestor.timeZone(message.sdkappid).then((zone) => post({ kind: 'zone', sdkappid: message.sdkappid, timeZone: zone ?? null }), fail);
        break;
      case 'batch':
        queue.push(message.batch);
        break;
      case 'consumed':
        bytesInFlight -= message.bytes;
        resumeInput();
        break;
      case 'done':
        workerDone = true;
        break;
    }
    changed();
  });
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (!workerDone && !stopping) fail(new Error(`the ingest worker thread stopped (exit code ${code}) before the end of the input`));
  });

  // The input's own events, not an async iterator: a stream destroyed with an error drops what
  // an iterator had not read yet, while every chunk delivered here before the error is handed on.
  let bytes = 0;
  let sourceError: { error: unknown } | undefined;
  const onData = (chunk: unknown) => {
    if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) {
      input.destroy(new TypeError(`the input gave a ${typeof chunk}, not text or bytes`));
      return;
    }
    // A copy of the chunk's bytes alone, moved to the worker (a Buffer may be a view of a shared pool).
    const copy = typeof chunk === 'string' ? new Uint8Array(Buffer.from(chunk, 'utf8')) : new Uint8Array(chunk);
    bytes += copy.length;
    bytesInFlight += copy.length;
    post({ kind: 'chunk', bytes: copy, nowMs: ingestor.now() }, [copy.buffer]);
    if (bytesInFlight > MAX_BYTES_IN_FLIGHT) input.pause();
  };
  resumeInput = () => {
    if (!stopping && !failure && bytesInFlight <= MAX_BYTES_IN_FLIGHT && input.isPaused()) input.resume();
  };
  input.on('data', onData);
  const reading = finished(input).then(
    () => post({ kind: 'end', nowMs: ingestor.now() }),
    (error: unknown) => {
      sourceError = { error };
      post({ kind: 'abort', nowMs: ingestor.now() });
    },
  );

  const totals = { lines: 0, accepted: 0, alreadyApplied: 0, rejected: 0, batches: 0, skippedBatches: 0 };
  try {
    for (;;) {
      while (!failure && queue.length === 0 && !workerDone) await waitForWorker();
      if (failure) throw failure.error;
      const batch = queue.shift();
      if (!batch) break;
      const result = await ingestor.applyPrepared(batch, { sdkappid: options.sdkappid, batch: { transport: 'ndjson', key: batch.key } });
      post({ kind: 'applied' });
      totals.batches++;
      if (result.duplicate) totals.skippedBatches++;
      totals.accepted += result.accepted;
      totals.alreadyApplied += result.alreadyApplied;
      totals.rejected += result.rejected;
      totals.lines = batch.firstLine + batch.lines - 1;
      for (const r of result.errors) options.onRejection?.(r);
      options.onProgress?.({ bytes, lines: totals.lines, accepted: totals.accepted, alreadyApplied: totals.alreadyApplied, rejected: totals.rejected });
    }
    await reading;
  } finally {
    stopping = true;
    input.off('data', onData);
    if (!workerDone || failure) input.pause();
    await worker.terminate();
  }
  const summary = { bytes, ...totals };
  if (sourceError) throw new StreamSourceError(summary, sourceError.error);
  return summary;
}
