import type { PreparedBatch } from './prepared-batch.js';

/** What ingestStream's worker thread is started with. */
export interface WorkerSetup {
  readonly batchLines: number;
  readonly retentionDays: number;
  readonly sdkappid?: number;
  /** Prepared batches the worker may send ahead of the ones applied. */
  readonly maxAhead: number;
}

/** Main thread → worker, in input order (zone answers and `applied` are taken as they come). */
export type ToWorker =
  | { readonly kind: 'chunk'; readonly bytes: Uint8Array; readonly nowMs: number }
  | { readonly kind: 'end'; readonly nowMs: number }
  /** The input failed: send the batches its ended lines complete, drop the partial one. */
  | { readonly kind: 'abort'; readonly nowMs: number }
  | { readonly kind: 'zone'; readonly sdkappid: number; readonly timeZone: string | null }
  /** One batch sent before was applied (backpressure). */
  | { readonly kind: 'applied' };

/** Worker → main thread. */
export type ToMain =
  | { readonly kind: 'zone'; readonly sdkappid: number }
  | { readonly kind: 'batch'; readonly batch: PreparedBatch }
  /** A chunk was split (backpressure on the bytes in flight). */
  | { readonly kind: 'consumed'; readonly bytes: number }
  /** Every batch was sent. */
  | { readonly kind: 'done' };
