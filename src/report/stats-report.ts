import { NET_FIELDS, statsFieldKind, type StatsBy, type StatsField, type StatsGrain } from '../catalog/fields.js';
import { COHORT_SET, PLATFORM_DIM_PREFIX, VENDOR_DIM_PREFIX } from '../aggregate/bucket-key.js';
import type { App } from '../store/apps-repo.js';
import type { StatsRepo, StoredCounters } from '../store/stats-repo.js';
import { bitCount32, decodeIdSet, idSetBitmap, idSetBitmapSpan } from '../aggregate/id-set.js';
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

/** The kept day sets of active users as bitmaps of one length, by day (see idSetBitmap). */
interface DayBitmaps {
  readonly bytes: ReadonlyMap<string, Uint8Array>;
  /** The same bytes as 32-bit words (signed: V8 keeps them small integers). */
  readonly words: ReadonlyMap<string, Int32Array>;
  readonly wordCount: number;
}

export function dayBitmaps(stored: ReadonlyMap<string, Uint8Array>): DayBitmaps {
  let span = 0;
  for (const set of stored.values()) span = Math.max(span, idSetBitmapSpan(set));
  const length = Math.ceil(span / 4) * 4;
  const bytes = new Map<string, Uint8Array>();
  const words = new Map<string, Int32Array>();
  for (const [day, set] of stored) {
    const bits = idSetBitmap(set, length);
    bytes.set(day, bits);
    words.set(day, new Int32Array(bits.buffer, bits.byteOffset, length / 4));
  }
  return { bytes, words, wordCount: length / 4 };
}

/** How many of `cohort`'s ids have their bit set in `bits`. */
function retained(cohort: Uint32Array, bits: Uint8Array): number {
  let n = 0;
  for (let k = 0; k < cohort.length; k++) {
    const id = cohort[k]!;
    const at = id >>> 3;
    if (at < bits.length && bits[at]! & (1 << (id & 7))) n++;
  }
  return n;
}

/** Words of every day bitmap reach works on at a time: its prefix and suffix ORs stay in cache. */
const REACH_CHUNK_WORDS = 512;

/**
 * Distinct active users over the 7 and 30 days ending with each day of `days` (consecutive): the
 * bit count of the OR of the window's day bitmaps. Over the 29 days before the first and the days
 * themselves, each window's OR is the OR of one suffix OR and one prefix OR of window-sized blocks
 * (van Herk / Gil-Werman), so the cost is a few word ORs per day and window, not one per day in it.
 */
export function reach(days: readonly string[], active: DayBitmaps): Map<string, { d7: number; d30: number }> {
  const all = dayRange(addDays(days[0]!, -29), days[days.length - 1]!);
  const n = all.length;
  const first = n - days.length;
  const none = new Int32Array(active.wordCount);
  const day = all.map((d) => active.words.get(d) ?? none);
  const chunk = REACH_CHUNK_WORDS;
  const prefix = new Int32Array(n * chunk);
  const suffix = new Int32Array(n * chunk);
  const windows = [7, 30].map((size) => ({ size, counts: new Float64Array(n) }));
  for (let w0 = 0; w0 < active.wordCount; w0 += chunk) {
    const len = Math.min(chunk, active.wordCount - w0);
    for (const { size, counts } of windows) {
      // Prefix ORs from the block holding the first window's end, suffix ORs down to its start.
      for (let i = first - (first % size); i < n; i++) {
        const row = day[i]!;
        const at = i * chunk;
        if (i % size === 0) for (let w = 0; w < len; w++) prefix[at + w] = row[w0 + w]!;
        else for (let w = 0, before = at - chunk; w < len; w++) prefix[at + w] = prefix[before + w]! | row[w0 + w]!;
      }
      for (let i = n - 1; i >= first - size + 1; i--) {
        const row = day[i]!;
        const at = i * chunk;
        if (i % size === size - 1 || i === n - 1) for (let w = 0; w < len; w++) suffix[at + w] = row[w0 + w]!;
        else for (let w = 0, after = at + chunk; w < len; w++) suffix[at + w] = suffix[after + w]! | row[w0 + w]!;
      }
      for (let i = first; i < n; i++) {
        let count = 0;
        for (let w = 0, p = i * chunk, q = (i - size + 1) * chunk; w < len; w++) count += bitCount32(prefix[p + w]! | suffix[q + w]!);
        counts[i]! += count;
      }
    }
  }
  const out = new Map<string, { d7: number; d30: number }>();
  for (let i = first; i < n; i++) out.set(all[i]!, { d7: windows[0]!.counts[i]!, d30: windows[1]!.counts[i]! });
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
  const activeBits = active ? dayBitmaps(active) : undefined;
  const cohortIds = cohorts ? new Map([...cohorts].map(([day, set]) => [day, decodeIdSet(set)])) : undefined;
  const reached = activeBits && wants('reach') && grain === 'day' && buckets.length > 0 ? reach(buckets, activeBits) : undefined;

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
          const cohort = cohortIds?.get(bucket);
          const later = activeBits?.bytes.get(addDays(bucket, offset[1]));
          return String(cohort && later ? retained(cohort, later) : 0);
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
