import { COUNTED_FIELDS, NET_FIELDS, type Counters, type NetField } from '../catalog/fields.js';
import type { Store } from './store.js';
import { guard, toNumber } from './store-error.js';
import { compileCountedRecord } from '../catalog/compile-record.js';

/** Which series of an app: today always grain `day` and dim `''` (all platforms). */
export interface SeriesKey {
  readonly sdkappid: number;
  readonly grain: string;
  readonly dim: string;
}

export interface StoredRange {
  /** Stored values per bucket (net fields hold the bucket's net change). */
  readonly buckets: ReadonlyMap<string, Counters>;
  /** Sum of each net field's changes before the range. */
  readonly netBefore: Readonly<Record<NetField, number>>;
  /** The series' first bucket with data, if any. */
  readonly firstBucket: string | undefined;
}

/** A row's counted columns as Counters, each through toNumber, as one object literal (see compileCountedRecord). */
const countersOf = compileCountedRecord<(row: Record<string, unknown>, decode: typeof toNumber) => Counters>(
  ['row', 'decode'],
  (f) => `decode(row.${f}, '${f}')`,
);

/** Reads the stats table; two queries whatever the number of events behind the numbers. */
export class StatsRepo {
  constructor(private readonly store: Store) {}

  /**
   * The app's data version: bumped by every ingested batch under the app's lock, so an answer
   * made at one version stays true until it changes (0 before any batch).
   */
  dataVersion(sdkappid: number): Promise<number> {
    const { db, dialect } = this.store;
    return guard(dialect, 'reading the data version', async () => {
      const row = await db.selectFrom('app_state').select('version').where('sdkappid', '=', sdkappid).executeTakeFirst();
      return row ? toNumber(row.version, 'app_state.version') : 0;
    });
  }

  readRange(key: SeriesKey, from: string, to: string): Promise<StoredRange> {
    const { db, dialect } = this.store;
    return guard(dialect, 'reading statistics', async () => {
      const series = db
        .selectFrom('stats')
        .where('sdkappid', '=', key.sdkappid)
        .where('grain', '=', key.grain)
        .where('dim', '=', key.dim);
      const [rows, before] = await Promise.all([
        series.select(['bucket', ...COUNTED_FIELDS]).where('bucket', '>=', from).where('bucket', '<=', to).execute(),
        series
          .select((eb) => [
            eb.fn.min('bucket').as('first'),
            ...NET_FIELDS.map((f) => eb.fn.sum(f).as(f)),
          ])
          .where('bucket', '<', from)
          .executeTakeFirst(),
      ]);
      const buckets = new Map<string, Counters>();
      for (const row of rows) buckets.set(row.bucket, countersOf(row, toNumber));
      const netBefore = {} as Record<NetField, number>;
      for (const f of NET_FIELDS) netBefore[f] = before?.[f] == null ? 0 : toNumber(before[f], f);
      const firstBefore = (before?.first as string | null | undefined) ?? undefined;
      const firstInRange = rows.length ? rows.reduce((m, r) => (r.bucket < m ? r.bucket : m), rows[0]!.bucket) : undefined;
      return { buckets, netBefore, firstBucket: firstBefore ?? firstInRange };
    });
  }
}
