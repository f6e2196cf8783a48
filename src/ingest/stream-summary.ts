import type { Rejection } from '../events/event.js';

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
  /** Parse and validate in this thread rather than in a worker thread (same results, one core). */
  readonly inThread?: boolean;
  /** Tests only: the worker thread's script (default ingest-worker.js beside this file). */
  readonly workerScript?: URL;
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

