import { COUNTED_FIELDS, DERIVED_SUM_FIELDS, DERIVED_SUMS, isDerivedSum, NET_FIELDS, WRITTEN_FIELDS, type Counters, type NetField, type StoredField, type WrittenField } from '../catalog/fields.js';
import { sql, type Kysely } from 'kysely';
import { preparedQuery } from './prepared-query.js';
import type { Database } from './schema.js';
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

/** The counted columns read: all but the derived sums (their own columns are not written). */
export const READ_COUNTED = COUNTED_FIELDS.filter((f) => !isDerivedSum(f));

/**
 * The read counted columns of a row as one text, `concat_ws(',', …)` in catalog order (SQLite,
 * PostgreSQL and MariaDB all have it): drivers build one property per column and row, and for
 * 30 rows of 28 columns that cost several times what the database spends finding them.
 */
const COUNTED_TEXT = sql<string>`concat_ws(',', ${sql.join(READ_COUNTED.map((f) => sql.ref(f)))})`;

/** The values of COUNTED_TEXT as Counters, each through toNumber; a derived sum adds its parts. */
export const countersOfText = compileCountedRecord<(values: readonly string[], decode: typeof toNumber) => Counters>(['values', 'decode'], (f) => {
  const read = (part: string) => `decode(values[${(READ_COUNTED as readonly string[]).indexOf(part)}], '${part}')`;
  return isDerivedSum(f) ? DERIVED_SUMS[f].map(read).join(' + ') : read(f);
});

const versionQuery = preparedQuery(1, (db: Kysely<Database>, sdkappid: number) => db.selectFrom('app_state').select('version').where('sdkappid', '=', sdkappid));

/**
 * The range's rows and, in the same statement, one more row (bucket NULL) whose text is the
 * series' first bucket before the range and each net field's sum before it (`''` when there is
 * none): one round trip, one driver call, and both read from the same snapshot.
 */
const BEFORE_TEXT = sql<string>`concat_ws(',', min(${sql.ref('bucket')}), ${sql.join(NET_FIELDS.map((f) => sql`sum(${sql.ref(f)})`))})`;

const rangeQuery = preparedQuery(5, (db: Kysely<Database>, sdkappid: number, grain: string, dim: string, from: string, to: string) =>
  db
    .selectFrom('stats')
    .select(['bucket', COUNTED_TEXT.as('counted')])
    .where('sdkappid', '=', sdkappid)
    .where('grain', '=', grain)
    .where('dim', '=', dim)
    .where('bucket', '>=', from)
    .where('bucket', '<=', to)
    .unionAll(
      db
        .selectFrom('stats')
        // Typed as a bucket for the union; #readRangeText tells this row by its NULL.
        .select([sql<string>`null`.as('bucket'), BEFORE_TEXT.as('counted')])
        .where('sdkappid', '=', sdkappid)
        .where('grain', '=', grain)
        .where('dim', '=', dim)
        .where('bucket', '<', from),
    ),
);

/** Every written stats column of a row as one text, in WRITTEN_FIELDS order (see COUNTED_TEXT). */
const WRITTEN_TEXT = sql<string>`concat_ws(',', ${sql.join(WRITTEN_FIELDS.map((f) => sql.ref(f)))})`;

/** A series' rows; `dimLike` is `''` for all platforms (LIKE without wildcards is equality) or a prefix and `%`. */
const seriesQuery = preparedQuery(5, (db: Kysely<Database>, sdkappid: number, grain: string, dimLike: string, from: string, to: string) =>
  db.selectFrom('stats').select(['dim', 'bucket', WRITTEN_TEXT.as('written')]).where('sdkappid', '=', sdkappid).where('grain', '=', grain).where('dim', 'like', dimLike).where('bucket', '>=', from).where('bucket', '<=', to),
);

/** Each net field's sum over the all-platform buckets of `grain` in [from, to) (`from` '' for all before `to`). */
const netSumsQuery = preparedQuery(4, (db: Kysely<Database>, sdkappid: number, grain: string, from: string, to: string) =>
  db.selectFrom('stats').select((eb) => NET_FIELDS.map((f) => eb.fn.sum(f).as(f))).where('sdkappid', '=', sdkappid).where('grain', '=', grain).where('dim', '=', '').where('bucket', '>=', from).where('bucket', '<', to),
);

const firstDayQuery = preparedQuery(1, (db: Kysely<Database>, sdkappid: number) =>
  db.selectFrom('stats').select((eb) => eb.fn.min('bucket').as('first')).where('sdkappid', '=', sdkappid).where('grain', '=', 'day').where('dim', '=', ''),
);

const daySetsQuery = preparedQuery(4, (db: Kysely<Database>, sdkappid: number, field: string, from: string, to: string) =>
  db.selectFrom('stat_sets').select(['bucket', 'ids']).where('sdkappid', '=', sdkappid).where('grain', '=', 'day').where('dim', '=', '').where('field', '=', field).where('bucket', '>=', from).where('bucket', '<=', to),
);

const presenceClockQuery = preparedQuery(1, (db: Kysely<Database>, sdkappid: number) => db.selectFrom('app_state').select('presence_clock').where('sdkappid', '=', sdkappid));

/** A stored row of a range: its bucket and its read counted columns as COUNTED_TEXT. */
export interface StoredRowText {
  readonly bucket: string;
  readonly counted: string;
}

/** A range as the database gave it: rows as texts (see COUNTED_TEXT), the rest as in StoredRange. */
export interface StoredRangeText {
  readonly rows: readonly StoredRowText[];
  readonly netBefore: Readonly<Record<NetField, number>>;
  readonly firstBucket: string | undefined;
}

/** The stats columns behind some getstats fields (a derived sum's are its parts'), sorted. */
function columnsFor(fields: readonly string[]): WrittenField[] {
  const out = new Set<WrittenField>();
  for (const f of fields) {
    if (isDerivedSum(f)) for (const part of DERIVED_SUMS[f]) out.add(part);
    else if ((WRITTEN_FIELDS as readonly string[]).includes(f)) out.add(f as WrittenField);
  }
  return [...out].sort();
}

/** A stored bucket of any series: every stats column (net fields hold the bucket's change). */
export type StoredCounters = Record<StoredField, number>;

/** Reads the stats table; a few queries whatever the number of events behind the numbers. */
export class StatsRepo {
  constructor(private readonly store: Store) {}

  /**
   * The app's data version: bumped by every ingested batch under the app's lock, so an answer
   * made at one version stays true until it changes (0 before any batch).
   */
  dataVersion(sdkappid: number): Promise<number> {
    const { db, dialect } = this.store;
    return guard(dialect, 'reading the data version', async () => {
      const [row] = await versionQuery(db, sdkappid);
      return row ? toNumber(row.version, 'app_state.version') : 0;
    });
  }

  readRange(key: SeriesKey, from: string, to: string): Promise<StoredRange> {
    const { dialect } = this.store;
    return guard(dialect, 'reading statistics', async () => {
      const { rows, netBefore, firstBucket } = await this.#readRangeText(key, from, to);
      const buckets = new Map<string, Counters>();
      for (const row of rows) buckets.set(row.bucket, countersOfText(row.counted.split(','), toNumber));
      return { buckets, netBefore, firstBucket };
    });
  }

  /** readRange with each row's counted columns left as the database's text (COUNTED_TEXT). */
  readRangeText(key: SeriesKey, from: string, to: string): Promise<StoredRangeText> {
    return guard(this.store.dialect, 'reading statistics', () => this.#readRangeText(key, from, to));
  }

  async #readRangeText(key: SeriesKey, from: string, to: string): Promise<StoredRangeText> {
    const all = await rangeQuery(this.store.db, key.sdkappid, key.grain, key.dim, from, to);
    const rows: StoredRowText[] = [];
    let before = '';
    for (const row of all) {
      if ((row.bucket as string | null) === null) before = row.counted;
      else rows.push(row);
    }
    // `first,net1,net2`, or '' when nothing is stored before the range.
    const parts = before === '' ? [] : before.split(',');
    const netBefore = {} as Record<NetField, number>;
    NET_FIELDS.forEach((f, i) => (netBefore[f] = parts.length ? toNumber(parts[i + 1], f) : 0));
    let firstBucket = parts.length ? parts[0] : undefined;
    for (const row of rows) if (firstBucket === undefined || row.bucket < firstBucket) firstBucket = row.bucket;
    return { rows, netBefore, firstBucket };
  }

  /**
   * Every stored bucket of grain `grain` in [from, to] of the all-platforms series (`dimPrefix`
   * undefined) or of every series whose dim starts with `dimPrefix`, by dim then bucket. Only the
   * columns behind `fields` are read (default all; a derived sum reads its two parts); the other
   * stored fields of the result are absent.
   */
  readSeries(sdkappid: number, grain: string, dimPrefix: string | undefined, from: string, to: string, fields?: readonly string[]): Promise<Map<string, Map<string, Partial<StoredCounters>>>> {
    const { db, dialect } = this.store;
    const columns = fields === undefined ? WRITTEN_FIELDS : columnsFor(fields);
    const at = columns.map((f) => WRITTEN_FIELDS.indexOf(f));
    const derived = fields === undefined ? DERIVED_SUM_FIELDS : DERIVED_SUM_FIELDS.filter((f) => fields.includes(f));
    return guard(dialect, 'reading statistics', async () => {
      // LIKE on our own prefix (no wildcards in it); SQLite's LIKE ignores ASCII case, hence the check below.
      const rows = await seriesQuery(db, sdkappid, grain, dimPrefix === undefined ? '' : `${dimPrefix}%`, from, to);
      const out = new Map<string, Map<string, Partial<StoredCounters>>>();
      for (const row of rows) {
        if (dimPrefix !== undefined && !row.dim.startsWith(dimPrefix)) continue;
        let series = out.get(row.dim);
        if (!series) out.set(row.dim, (series = new Map<string, Partial<StoredCounters>>()));
        const values = row.written.split(',');
        const counters: Partial<StoredCounters> = {};
        for (let i = 0; i < columns.length; i++) counters[columns[i]!] = toNumber(values[at[i]!], columns[i]!);
        for (const f of derived) counters[f] = counters[DERIVED_SUMS[f][0]]! + counters[DERIVED_SUMS[f][1]]!;
        series.set(row.bucket, counters);
      }
      return out;
    });
  }

  /**
   * Each net field's changes before bucket `from` of the all-platforms series: every day before
   * its day, plus (for an hour) the hours of its day before it. Days carry what hours cannot: a
   * database filled before hours were kept has days only.
   */
  netBefore(sdkappid: number, grain: 'day' | 'hour', from: string): Promise<Record<NetField, number>> {
    const { db, dialect } = this.store;
    return guard(dialect, 'reading statistics', async () => {
      const day = from.slice(0, 8);
      const parts = await Promise.all([netSumsQuery(db, sdkappid, 'day', '', day), grain === 'hour' ? netSumsQuery(db, sdkappid, 'hour', `${day}00`, from) : []]);
      const out = {} as Record<NetField, number>;
      for (const f of NET_FIELDS) out[f] = parts.reduce((n, [p]) => n + (p?.[f] == null ? 0 : toNumber(p[f], f)), 0);
      return out;
    });
  }

  /** The app's first day with data (all platforms), if any. */
  firstDay(sdkappid: number): Promise<string | undefined> {
    const { db, dialect } = this.store;
    return guard(dialect, 'reading statistics', async () => {
      const [row] = await firstDayQuery(db, sdkappid);
      return (row?.first as string | null | undefined) ?? undefined;
    });
  }

  /** The kept all-platform day sets `set` (ActiveUserNum, Cohort) of days in [from, to], as stored (see id-set.ts). */
  daySets(sdkappid: number, set: string, from: string, to: string): Promise<Map<string, Uint8Array>> {
    const { db, dialect } = this.store;
    return guard(dialect, 'reading statistics', async () => {
      const rows = await daySetsQuery(db, sdkappid, set, from, to);
      return new Map(rows.map((r) => [r.bucket, r.ids]));
    });
  }

  /** Event time (Unix ms) of the newest event applied for the app; 0 before any. */
  newestEventTime(sdkappid: number): Promise<number> {
    const { db, dialect } = this.store;
    return guard(dialect, 'reading the data version', async () => {
      const [row] = await presenceClockQuery(db, sdkappid);
      return row ? toNumber(row.presence_clock, 'app_state.presence_clock') : 0;
    });
  }
}
