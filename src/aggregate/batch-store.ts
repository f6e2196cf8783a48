import type { AppState, StateChanges, StateNeeds } from './app-state.js';
import type { BucketTally } from './tally.js';

/**
 * The parts a batch id is made of. The store turns them into the stored id (store/batch-id.ts),
 * in one place, so no caller concatenates ids and two transports or two apps never share one.
 */
export interface BatchKey {
  /** Where the batch came from: `ndjson`, `http`, `tencent`, `inbox`, `nats`, … (lower case, ≤ 16 characters). */
  readonly transport: string;
  /** The app the transport named (`--sdkappid`, the signed-in app, the callback's SdkAppid); undefined when none. */
  readonly sdkappid?: number;
  /** The transport's own key: an Idempotency-Key, a file chunk's position and hash, a callback's identity. */
  readonly key: string;
  /**
   * For keys that identify content, not an occurrence (a friend callback has no timestamp): the id
   * counts as new again once its last claim is this many ms old. Default: never (within retention).
   */
  readonly reclaimAfterMs?: number;
  /** When the batch arrived (Unix ms); default the applying transaction's now. Measures reclaimAfterMs. */
  readonly atMs?: number;
}

/** The storage a batch is applied to; implemented over SQL in store/sql-batch-store.ts. */
export interface BatchStore {
  /** Runs `work` in one transaction, retried from the start on transient conflicts. */
  transaction<T>(work: (tx: BatchTransaction) => Promise<T>): Promise<T>;
}

export interface BatchTransaction {
  /** Records a batch id; false when it was applied before (the batch must change nothing). */
  claimBatch(batch: BatchKey, nowMs: number): Promise<boolean>;
  /**
   * Takes the app's ingestion lock until the transaction ends and loads the state the batch
   * needs. Batches of one app are serialised; different apps proceed in parallel.
   */
  lockAndLoad(sdkappid: number, needs: (presenceClock: number) => StateNeeds): Promise<AppState>;
  /** Writes what the batch did: counted fields per bucket, new distinct members, state rows. */
  write(sdkappid: number, tallies: readonly BucketTally[], changes: StateChanges, state: AppState): Promise<void>;
}
