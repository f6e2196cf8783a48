// Tests only: ingestStream's worker thread (src/ingest/ingest-worker.ts) that crashes, with an
// uncaught error, when it is about to send its CRASH_BEFORE_BATCH-th prepared batch. Imported on
// the main thread it only gives the constant.
import { isMainThread, parentPort } from 'node:worker_threads';
import type { ToMain } from '../../src/ingest/ingest-worker-protocol.js';

export const CRASH_BEFORE_BATCH = 3;

if (!isMainThread) {
  const port = parentPort!;
  const post = port.postMessage.bind(port);
  let batches = 0;
  port.postMessage = (message: ToMain, transfer?: readonly ArrayBuffer[]) => {
    if (message.kind === 'batch' && ++batches >= CRASH_BEFORE_BATCH) throw new Error('the ingest worker crashed (test)');
    post(message, transfer as ArrayBuffer[]);
  };
  await import('../../src/ingest/ingest-worker.js');
}
