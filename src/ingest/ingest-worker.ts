// The worker thread of ingestStream (ingest-in-worker.ts): bytes in, PreparedBatch out. It splits
// lines, parses, validates and tallies what needs no state while the main thread applies the
// batch before (reduces the rest against the database's state and commits).
import { parentPort, workerData } from 'node:worker_threads';
import { BatchPreparer } from './batch-preparer.js';
import { LineSplitter } from './line-splitter.js';
import { transferables, type PreparedBatch } from './prepared-batch.js';
import type { ToMain, ToWorker, WorkerSetup } from './ingest-worker-protocol.js';

const port = parentPort!;
const setup = workerData as WorkerSetup;
const send = (message: ToMain, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

const zoneWaiters = new Map<number, (zone: string | undefined) => void>();
const preparer = new BatchPreparer({
  batchLines: setup.batchLines,
  retentionDays: setup.retentionDays,
  sdkappid: setup.sdkappid,
  zoneOf: (sdkappid) =>
    new Promise((resolve) => {
      zoneWaiters.set(sdkappid, resolve);
      send({ kind: 'zone', sdkappid });
    }),
});
const splitter = new LineSplitter();

/** Batches sent and not yet applied by the main thread: at most MAX_AHEAD (backpressure). */
let ahead = 0;
let wakeAhead: (() => void) | undefined;

/** Messages are handled one at a time, in order: a batch may wait for a zone or for the main thread. */
const inbox: ToWorker[] = [];
let wakeInbox: (() => void) | undefined;

port.on('message', (message: ToWorker) => {
  // Answers are taken at once: the loop below may be waiting for them.
  if (message.kind === 'zone') {
    zoneWaiters.get(message.sdkappid)?.(message.timeZone ?? undefined);
    zoneWaiters.delete(message.sdkappid);
  } else if (message.kind === 'applied') {
    ahead--;
    wakeAhead?.();
  } else {
    inbox.push(message);
    wakeInbox?.();
  }
});

async function next(): Promise<ToWorker> {
  while (inbox.length === 0) await new Promise<void>((resolve) => (wakeInbox = resolve));
  return inbox.shift()!;
}

async function emit(batches: readonly PreparedBatch[]): Promise<void> {
  for (const prepared of batches) {
    while (ahead >= setup.maxAhead) await new Promise<void>((resolve) => (wakeAhead = resolve));
    ahead++;
    send({ kind: 'batch', batch: prepared }, transferables(prepared));
  }
}

for (;;) {
  const message = await next();
  if (message.kind === 'chunk') {
    const { lines, text } = splitter.push(message.bytes);
    await emit(await preparer.add(lines, text, message.nowMs));
    send({ kind: 'consumed', bytes: message.bytes.length });
  } else if (message.kind === 'end' || message.kind === 'abort') {
    // A failed input: the lines ended before it make whole batches; the partial one is dropped.
    const lines = message.kind === 'end' ? splitter.end() : splitter.abort();
    await emit(await preparer.add(lines, undefined, message.nowMs));
    const rest = message.kind === 'end' ? await preparer.end() : undefined;
    if (rest) await emit([rest]);
    send({ kind: 'done' });
    break;
  }
}
