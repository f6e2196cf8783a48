import { addDays } from '../time/calendar-day.js';
import type { Store } from './store.js';
import { guard } from './store-error.js';

export interface PruneResult {
  readonly members: number;
  readonly batches: number;
}

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replaceAll('-', '');
}

/**
 * Drops per-user and per-group detail (distinct-set members) and remembered batch ids older than
 * the retention window; the daily numbers are kept. A day of slack covers every time zone.
 */
export async function pruneExpired(store: Store, nowMs: number, retentionDays: number): Promise<PruneResult> {
  const { db, dialect } = store;
  const cutoffDay = addDays(utcDay(nowMs), -(retentionDays + 1));
  return guard(dialect, 'pruning expired detail', async () => {
    let members = 0;
    const apps = await db.selectFrom('apps').select('sdkappid').execute();
    for (const { sdkappid } of apps) {
      const r = await db.deleteFrom('stat_members').where('sdkappid', '=', sdkappid).where('bucket', '<', cutoffDay).executeTakeFirst();
      members += Number(r.numDeletedRows);
    }
    const b = await db.deleteFrom('applied_batches').where('applied_at', '<', nowMs - (retentionDays + 1) * 86_400_000).executeTakeFirst();
    return { members, batches: Number(b.numDeletedRows) };
  });
}
