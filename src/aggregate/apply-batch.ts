import type { ImEvent } from '../events/event.js';
import type { DayOf } from '../time/day-of.js';
import { cloneState, diffState } from './app-state.js';
import type { BatchKey, BatchStore } from './batch-store.js';
import { crossesHour, reduceAppBatch, reduceStateful, type StatefulInput } from './reduce-app-batch.js';
import type { Tally } from './tally.js';
import { stateNeeds } from './state-needs.js';

/** Events applied together with the batch ids that must be new for them to count. */
export interface BatchPart {
  /**
   * Claimed in order; when one was claimed before, this part's events do not count (the claims
   * before it stay: an inbox entry is consumed even when its delivery was a retry).
   */
  readonly claims: readonly BatchKey[];
  readonly events: readonly ImEvent[];
}

export interface ApplyBatchOptions {
  readonly nowMs: number;
  /** The time zone of each app in the batch. */
  readonly dayOf: (sdkappid: number) => DayOf;
  /** Retention window in days (bounds how far back midnight carry-over is counted). */
  readonly retentionDays: number;
}

export interface ApplyBatchResult {
  /** Per part, in order: false when one of its batch ids had been applied before. */
  readonly applied: readonly boolean[];
  /** Events applied (of the parts applied). */
  readonly events: number;
}

/** Groups events by app, each app's events in time order (stable for equal times). */
export function byApp(events: readonly ImEvent[]): Map<number, ImEvent[]> {
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
 * Applies validated events atomically: every part's claims, every app's effects commit together
 * or not at all. Apps are locked in ascending SDKAppID order so concurrent multi-app batches
 * cannot deadlock; claims come first, in the given order, so batches sharing claims queue on them.
 */
export async function applyBatch(store: BatchStore, parts: readonly BatchPart[], options: ApplyBatchOptions): Promise<ApplyBatchResult> {
  return store.transaction(async (tx) => {
    const applied: boolean[] = [];
    const events: ImEvent[] = [];
    for (const part of parts) {
      let fresh = true;
      for (const claim of part.claims) if (!(fresh = await tx.claimBatch(claim, options.nowMs))) break;
      applied.push(fresh);
      if (fresh) for (const e of part.events) events.push(e);
    }
    const apps = [...byApp(events)].sort(([a], [b]) => a - b);
    for (const [sdkappid, appEvents] of apps) {
      const dayOf = options.dayOf(sdkappid);
      const before = await tx.lockAndLoad(sdkappid, (clock) => stateNeeds(appEvents, crossesHour(appEvents, clock, dayOf)));
      const state = cloneState(before);
      const tally = reduceAppBatch(appEvents, state, { dayOf, maxCarryDays: options.retentionDays });
      await tx.write(sdkappid, tally.buckets(), diffState(before, state), state);
    }
    return { applied, events: events.length };
  });
}

/** One app's part of a batch whose stateless part was tallied beforehand (ingestStream's worker thread). */
export interface PreTalliedApp {
  readonly sdkappid: number;
  /** The events that need state, and clock marks (statefulEvents), in time order. */
  readonly stateful: readonly StatefulInput[];
  /** A new Tally with the stateless counts, on every call (a retried transaction starts again). */
  readonly tally: () => Tally;
}

/**
 * applyBatch for one part whose apps were tallied beforehand as far as no state is needed:
 * the same claims, locks, loads, stateful reduction and writes, in one transaction; false when
 * a claim was applied before (nothing is written).
 */
export async function applyPreTallied(
  store: BatchStore,
  claims: readonly BatchKey[],
  apps: readonly PreTalliedApp[],
  options: ApplyBatchOptions,
): Promise<{ readonly applied: boolean }> {
  return store.transaction(async (tx) => {
    for (const claim of claims) if (!(await tx.claimBatch(claim, options.nowMs))) return { applied: false };
    for (const app of [...apps].sort((a, b) => a.sdkappid - b.sdkappid)) {
      const dayOf = options.dayOf(app.sdkappid);
      const { stateful } = app;
      const before = await tx.lockAndLoad(app.sdkappid, (clock) => stateNeeds(stateful, crossesHour(stateful, clock, dayOf)));
      const state = cloneState(before);
      const tally = app.tally();
      reduceStateful(stateful, state, tally, { dayOf, maxCarryDays: options.retentionDays });
      await tx.write(app.sdkappid, tally.buckets(), diffState(before, state), state);
    }
    return { applied: true };
  });
}
