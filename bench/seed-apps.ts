import { COUNTED_FIELDS, NET_FIELDS } from '../src/catalog/fields.js';
import { generateSecretKey } from '../src/store/apps-repo.js';
import type { Store } from '../src/store/store.js';
import { addDays } from '../src/time/calendar-day.js';
import { dayOfZone } from '../src/time/day-of.js';

/** First SDKAppID of the seeded apps (then +1, +2, …). */
export const FIRST_BENCH_SDKAPPID = 1_400_100_001;
const TIMEZONE = 'Asia/Shanghai';
const DAY_MS = 86_400_000;

export interface SeededApp {
  readonly sdkappid: number;
  readonly key: string;
}

export interface SeedOptions {
  readonly apps: number;
  /** Days of statistics before today per app; default 30 (the full default answer). */
  readonly days?: number;
  /** Now, Unix ms; default Date.now(). */
  readonly nowMs?: number;
}

/**
 * Fills a migrated, empty store with `apps` apps (admin `administrator`, created 60 days ago,
 * Asia/Shanghai) and `days` days of non-zero statistics each, ending yesterday, so every
 * getappinfo answer is the full 30-day, 32-field one. Rows go in with multi-row inserts in one
 * transaction: 10,000 apps × 30 days takes seconds, where AppsRepo.create per app would take minutes.
 */
export async function seedApps(store: Store, options: SeedOptions): Promise<SeededApp[]> {
  const nowMs = options.nowMs ?? Date.now();
  const days = options.days ?? 30;
  const today = dayOfZone(TIMEZONE).day(nowMs);
  const seeded: SeededApp[] = Array.from({ length: options.apps }, (_, i) => ({ sdkappid: FIRST_BENCH_SDKAPPID + i, key: generateSecretKey() }));
  // A small deterministic generator: numbers of several digits, like a real app's.
  let x = 0x9e3779b9;
  const next = (max: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % max;
  };
  const net = new Set<string>(NET_FIELDS);
  await store.db.transaction().execute(async (tx) => {
    for (let i = 0; i < seeded.length; i += 500) {
      const chunk = seeded.slice(i, i + 500);
      await tx
        .insertInto('apps')
        .values(
          chunk.map((a) => ({
            sdkappid: a.sdkappid,
            name: `Bench App ${a.sdkappid}`,
            company: 'Bench Ltd',
            secret_key: a.key,
            timezone: TIMEZONE,
            enabled: 1,
            created_at: nowMs - 60 * DAY_MS,
            callback_token: null,
            registered_baseline: 100_000,
            group_baseline: 1_000,
          })),
        )
        .execute();
      await tx
        .insertInto('app_admins')
        .values(chunk.map((a) => ({ sdkappid: a.sdkappid, identifier: 'administrator' })))
        .execute();
    }
    let rows: Record<string, string | number>[] = [];
    const flush = async () => {
      if (rows.length) await tx.insertInto('stats').values(rows as never).execute();
      rows = [];
    };
    for (const a of seeded) {
      for (let d = 1; d <= days; d++) {
        const row: Record<string, string | number> = { sdkappid: a.sdkappid, grain: 'day', bucket: addDays(today, -d), dim: '' };
        for (const f of COUNTED_FIELDS) row[f] = net.has(f) ? next(200) : 1_000 + next(900_000);
        rows.push(row);
        if (rows.length >= 500) await flush();
      }
    }
    await flush();
  });
  return seeded;
}
