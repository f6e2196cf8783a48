import { addDays } from '../time/calendar-day.js';
import type { Store } from './store.js';
import { guard } from './store-error.js';

/** Days beyond the retention window that the day sets behind reach and retention are kept (stats-api.md). */
export const REACH_LOOKBACK_DAYS = 30;

export interface PruneResult {
  /** Kept distinct sets (stat_sets rows) dropped. */
  readonly sets: number;
  readonly batches: number;
}

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replaceAll('-', '');
}

/**
 * Drops per-user and per-group detail (the kept distinct sets) and remembered batch ids older
 * than the retention window; the numbers are kept. The all-platform day sets of active users and
 * registration cohorts are kept REACH_LOOKBACK_DAYS longer: WAU/MAU and D1–D30 retention of every
 * day of the window read them. A day of slack covers every time zone. Member ids are never
 * pruned (an id is a few bytes per user, and reassigning one would corrupt the kept sets).
 */
export async function pruneExpired(store: Store, nowMs: number, retentionDays: number): Promise<PruneResult> {
  const { db, dialect } = store;
  const cutoffDay = addDays(utcDay(nowMs), -(retentionDays + 1));
  const reachCutoffDay = addDays(cutoffDay, -REACH_LOOKBACK_DAYS);
  return guard(dialect, 'pruning expired detail', async () => {
    let sets = 0;
    const apps = await db.selectFrom('apps').select('sdkappid').execute();
    for (const { sdkappid } of apps) {
      // Bucket strings compare by day first: an hour `YYYYMMDDHH` of the cutoff day sorts after it.
      const r = await db
        .deleteFrom('stat_sets')
        .where('sdkappid', '=', sdkappid)
        .where('bucket', '<', cutoffDay)
        .where((eb) =>
          eb.or([
            eb('bucket', '<', reachCutoffDay),
            eb('grain', '!=', 'day'),
            eb('dim', '!=', ''),
            eb('field', 'not in', ['ActiveUserNum', 'Cohort']),
          ]),
        )
        .executeTakeFirst();
      sets += Number(r.numDeletedRows);
    }
    const b = await db.deleteFrom('applied_batches').where('applied_at', '<', nowMs - (retentionDays + 1) * 86_400_000).executeTakeFirst();
    return { sets, batches: Number(b.numDeletedRows) };
  });
}
