import type { ImEvent } from '../events/event.js';
import type { DayOf } from '../time/day-of.js';
import { cloneState, diffState } from './app-state.js';
import type { BatchStore } from './batch-store.js';
import { crossesHour, reduceAppBatch } from './reduce-app-batch.js';
import { stateNeeds } from './state-needs.js';

export interface ApplyBatchOptions {
  /** Idempotency key; a batch id applied before makes this call change nothing. */
  readonly batchId?: string;
  readonly nowMs: number;
  /** The time zone of each app in the batch. */
  readonly dayOf: (sdkappid: number) => DayOf;
  /** Retention window in days (bounds how far back midnight carry-over is counted). */
  readonly retentionDays: number;
}

export interface ApplyBatchResult {
  /** False when the batch id had been applied before. */
  readonly applied: boolean;
  readonly events: number;
}

/** Groups events by app, each app's events in time order (stable for equal times). */
function byApp(events: readonly ImEvent[]): Map<number, ImEvent[]> {
  const apps = new Map<number, ImEvent[]>();
  for (const e of events) {
    let list = apps.get(e.sdkappid);
    if (!list) apps.set(e.sdkappid, (list = []));
    list.push(e);
  }
  for (const list of apps.values()) {
    let sorted = true;
    for (let i = 1; i < list.length && sorted; i++) sorted = list[i - 1]!.time <= list[i]!.time;
    if (!sorted) list.sort((a, b) => a.time - b.time);
  }
  return apps;
}

/**
 * Applies validated events atomically: every app's effects commit together or not at all.
 * Apps are locked in ascending SDKAppID order so concurrent multi-app batches cannot deadlock.
 */
export async function applyBatch(store: BatchStore, events: readonly ImEvent[], options: ApplyBatchOptions): Promise<ApplyBatchResult> {
  const apps = [...byApp(events)].sort(([a], [b]) => a - b);
  return store.transaction(async (tx) => {
    if (options.batchId !== undefined && !(await tx.claimBatch(options.batchId, options.nowMs))) {
      return { applied: false, events: events.length };
    }
    for (const [sdkappid, appEvents] of apps) {
      const dayOf = options.dayOf(sdkappid);
      const before = await tx.lockAndLoad(sdkappid, (clock) => stateNeeds(appEvents, crossesHour(appEvents, clock, dayOf)));
      const state = cloneState(before);
      const tally = reduceAppBatch(appEvents, state, { dayOf, maxCarryDays: options.retentionDays });
      await tx.write(sdkappid, tally.buckets(), diffState(before, state), state);
    }
    return { applied: true, events: events.length };
  });
}
