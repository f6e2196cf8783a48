import type { Store } from '../../src/store/store.js';

/** Tables a batch writes (applied_batches without its times, which are the clock's). */
const TABLES = ['stats', 'stat_sets', 'app_state', 'sessions', 'registered_users', 'im_groups', 'group_members', 'member_ids'] as const;

/** Every row ingestion wrote, as sorted JSON lines per table (BLOBs as base64): two stores with equal dumps hold the same numbers. */
export async function dumpIngested(store: Store): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of TABLES) {
    const rows = await store.db.selectFrom(table).selectAll().execute();
    out[table] = rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : typeof v === 'bigint' ? Number(v) : v))).sort();
  }
  const batches = await store.db.selectFrom('applied_batches').select('batch_id').execute();
  out.applied_batches = batches.map((b) => b.batch_id).sort();
  return out;
}
