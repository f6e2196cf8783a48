import type { AppState, StateChanges, StateNeeds } from './app-state.js';
import type { BucketTally } from './tally.js';

/** The storage a batch is applied to; implemented over SQL in store/sql-batch-store.ts. */
export interface BatchStore {
  /** Runs `work` in one transaction, retried from the start on transient conflicts. */
  transaction<T>(work: (tx: BatchTransaction) => Promise<T>): Promise<T>;
}

export interface BatchTransaction {
  /** Records a batch id; false when it was applied before (the batch must change nothing). */
  claimBatch(batchId: string, nowMs: number): Promise<boolean>;
  /**
   * Takes the app's ingestion lock until the transaction ends and loads the state the batch
   * needs. Batches of one app are serialised; different apps proceed in parallel.
   */
  lockAndLoad(sdkappid: number, needs: (presenceClock: number) => StateNeeds): Promise<AppState>;
  /** Writes what the batch did: counted fields per bucket, new distinct members, state rows. */
  write(sdkappid: number, tallies: readonly BucketTally[], changes: StateChanges, state: AppState): Promise<void>;
}
