import { NET_FIELDS, statsFieldKind, type StatsBy, type StatsField, type StatsGrain } from '../catalog/fields.js';
import { COHORT_SET, PLATFORM_DIM_PREFIX, VENDOR_DIM_PREFIX } from '../aggregate/bucket-key.js';
import type { App } from '../store/apps-repo.js';
import type { StatsRepo, StoredCounters } from '../store/stats-repo.js';
import { addDays, dayRange } from '../time/calendar-day.js';
import { dayOfZone } from '../time/day-of.js';
import { bucketLabels, isFinal } from './stats-buckets.js';

/** What getstats is asked (already checked against the app, see the route). */
export interface StatsQuery {
  readonly grain: StatsGrain;
  /** First and last bucket, inclusive, in the grain's format. */
  readonly from: string;
  readonly to: string;
  readonly by: StatsBy | undefined;
  /** Sorted, unique, all offered by the grain/by combination. */
  readonly fields: readonly StatsField[];
}

/** One element of getstats' Result: every value a string, keys byte-wise sorted. */
export type StatsRow = Record<string, string>;

export interface StatsAnswer {
  readonly rows: StatsRow[];
  /** Unix ms of the newest event applied for the app (0 when none). */
  readonly asOf: number;
}

/** The Result key naming a breakdown's value. */
export function dimensionKey(by: StatsBy): 'Platform' | 'Vendor' {
  return by === 'platform' ? 'Platform' : 'Vendor';
}

const RETENTION_OFFSETS: ReadonlyArray<readonly [StatsField, number]> = [
  ['RetainedD1', 1],
  ['RetainedD7', 7],
  ['RetainedD30', 30],
];

/** Ids in both sorted sets: a merge, or binary searches of the smaller in the larger (a cohort in a day's active users). */
function intersectionSize(a: Uint32Array, b: Uint32Array): number {
  if (a.length > b.length) [a, b] = [b, a];
  if (a.length * 16 < b.length) {
    let n = 0;
    let lo = 0;
    for (let k = 0; k < a.length; k++) {
      const x = a[k]!;
      let hi = b.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (b[mid]! < x) lo = mid + 1;
        else hi = mid;
      }
      if (lo < b.length && b[lo] === x) n++;
    }
    return n;
  }
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else {
      n++;
      i++;
      j++;
    }
  }
  return n;
}

/**
 * Distinct active users over the 7 and 30 days ending with each day of `days`, from the day sets
 * of active users: one pass over the days in order keeps each id's last active day and how many
 * ids were last active on each day, so each window is a sum of at most 30 counts.
 */
function reach(days: readonly string[], active: ReadonlyMap<string, Uint32Array>): Map<string, { d7: number; d30: number }> {
  const all = dayRange(addDays(days[0]!, -29), days[days.length - 1]!);
  let maxId = -1;
  for (const ids of active.values()) if (ids.length > 0 && ids[ids.length - 1]! > maxId) maxId = ids[ids.length - 1]!;
  const last = new Int32Array(maxId + 1).fill(-1);
  const lastOn = new Int32Array(all.length);
  const out = new Map<string, { d7: number; d30: number }>();
  for (let i = 0; i < all.length; i++) {
    const ids = active.get(all[i]!);
    if (ids) {
      for (let k = 0; k < ids.length; k++) {
        const id = ids[k]!;
        const was = last[id]!;
        if (was >= 0) lastOn[was]!--;
        last[id] = i;
      }
      lastOn[i]! += ids.length;
    }
    let d7 = 0;
    let d30 = 0;
    for (let k = i; k >= 0 && k > i - 30; k--) {
      d30 += lastOn[k]!;
      if (k > i - 7) d7 += lastOn[k]!;
    }
    out.set(all[i]!, { d7, d30 });
  }
  return out;
}

/**
 * getstats' rows for `app` (stats-api.md): every bucket of the range from the app's first day on,
 * oldest first, then by dimension value; with `By`, every value seen in the range in every bucket;
 * zero-filled; net fields as running totals with the app's baselines; reach and retention from
 * the kept day sets.
 */
export async function statsReport(stats: StatsRepo, app: App, query: StatsQuery, nowMs: number): Promise<StatsAnswer> {
  const zone = dayOfZone(app.timezone);
  const { grain, from, to, by, fields } = query;
  const prefix = by === 'platform' ? PLATFORM_DIM_PREFIX : by === 'vendor' ? VENDOR_DIM_PREFIX : undefined;
  const wants = (kind: string) => fields.some((f) => statsFieldKind(f) === kind);
  const fromDay = from.slice(0, 8);
  const toDay = to.slice(0, 8);
  const today = zone.day(nowMs);
  const [series, netBefore, firstStored, asOf, active, cohorts] = await Promise.all([
    stats.readSeries(app.sdkappid, grain, prefix, from, to, fields),
    prefix === undefined && wants('net') ? stats.netBefore(app.sdkappid, grain, from) : undefined,
    stats.firstDay(app.sdkappid),
    stats.newestEventTime(app.sdkappid),
    wants('reach') || wants('retention')
      ? stats.daySets(app.sdkappid, 'ActiveUserNum', addDays(fromDay, -29), addDays(toDay, 30) < today ? addDays(toDay, 30) : today)
      : undefined,
    wants('retention') ? stats.daySets(app.sdkappid, COHORT_SET, fromDay, toDay) : undefined,
  ]);
  const created = zone.day(app.createdAt);
  const firstDay = firstStored !== undefined && firstStored < created ? firstStored : created;
  const buckets = bucketLabels(zone, grain, from, to).filter((b) => b.slice(0, 8) >= firstDay);
  const reached = active && wants('reach') && grain === 'day' && buckets.length > 0 ? reach(buckets, active) : undefined;

  const dims = prefix === undefined ? [''] : [...series.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const dimKey = by ? dimensionKey(by) : undefined;
  const keys = [...fields, 'Bucket', 'Final', ...(dimKey ? [dimKey] : [])].sort();
  const running = { RegistUserNumTotal: app.registeredBaseline, GroupAllGroupNum: app.groupBaseline };
  if (netBefore) for (const f of NET_FIELDS) running[f] += netBefore[f];

  const rows: StatsRow[] = [];
  for (const bucket of buckets) {
    const final = isFinal(zone, grain, bucket, nowMs) ? '1' : '0';
    for (const dim of dims) {
      const stored: Partial<StoredCounters> = series.get(dim)?.get(bucket) ?? {};
      if (dim === '') for (const f of NET_FIELDS) running[f] += stored[f] ?? 0;
      const value = (f: string): string => {
        if (f === 'Bucket') return bucket;
        if (f === 'Final') return final;
        if (f === dimKey) return dim.slice(prefix!.length);
        if (f === 'RegistUserNumTotal' || f === 'GroupAllGroupNum') return String(running[f]);
        if (f === 'ActiveUserNum7d') return String(reached?.get(bucket)?.d7 ?? 0);
        if (f === 'ActiveUserNum30d') return String(reached?.get(bucket)?.d30 ?? 0);
        const offset = RETENTION_OFFSETS.find(([name]) => name === f);
        if (offset) {
          const cohort = cohorts?.get(bucket);
          const later = active?.get(addDays(bucket, offset[1]));
          return String(cohort && later ? intersectionSize(cohort, later) : 0);
        }
        return String(stored[f as keyof StoredCounters] ?? 0);
      };
      const row: StatsRow = {};
      for (const k of keys) row[k] = value(k);
      rows.push(row);
    }
  }
  return { rows, asOf };
}
