import type { DistinctField, PeakField, TalliedSumField, NetField, ExtraSumField } from '../catalog/fields.js';
import { DISTINCT_FIELDS, EXTRA_SUM_FIELDS, NET_FIELDS, PEAK_FIELDS, TALLIED_SUM_FIELDS } from '../catalog/fields.js';
import { ALL_DIMS, bucketId, COHORT_SET, DAY_GRAIN, HOUR_GRAIN, type BucketKey } from './bucket-key.js';

/** A kept distinct set: one behind a distinct field, or the day's registration cohort. */
export type SetName = DistinctField | typeof COHORT_SET;

/** What a batch adds to one bucket before it meets the database. */
export interface BucketTally {
  readonly key: BucketKey;
  /** Increments of sum fields and net changes of net fields. */
  readonly adds: Partial<Record<TalliedSumField | NetField | ExtraSumField, number>>;
  /** Highest value seen of each peak field. */
  readonly peaks: Partial<Record<PeakField, number>>;
  /** Candidate members of each distinct set; the store counts the ones that are new. */
  readonly members: Partial<Record<SetName, Set<string>>>;
}

/** Which grains a call counts in: both (an event), or only one (carry-over at a boundary). */
export type Scope = 'both' | 'hour' | 'day';

/**
 * Accumulates a batch's effects per bucket, in memory. Every call names the event's hour
 * (`YYYYMMDDHH`; its day is the first 8 characters) and optionally a dimension: the effect lands
 * in the day and the hour of the all-platforms series, and of the dimension's series when given.
 */
export class Tally {
  readonly #buckets = new Map<string, BucketTally>();
  /** Last (hour, dim, scope) asked for and its buckets: consecutive events mostly share them. */
  #lastHour = '';
  #lastDim: string | undefined = undefined;
  #lastScope: Scope = 'both';
  #lastBuckets: BucketTally[] = [];
  /** Every (scope, hour, dim) asked for before: events of several platforms interleave, so one last entry misses often. */
  readonly #seen = new Map<string, BucketTally[]>();
  /** True while every member came in through a scope-both call (eventMember relies on it). */
  #onlyBoth = true;

  #bucket(grain: string, bucket: string, dim: string): BucketTally {
    const key = { grain, bucket, dim };
    const id = bucketId(key);
    let b = this.#buckets.get(id);
    if (!b) {
      // Every field present from the start (undefined until counted): one object shape for all
      // buckets, so counting stores into an existing property instead of adding one.
      b = { key, adds: emptyAdds(), peaks: emptyPeaks(), members: emptyMembers() };
      this.#buckets.set(id, b);
    }
    return b;
  }

  #of(hour: string, dim: string | undefined, scope: Scope): BucketTally[] {
    if (hour !== this.#lastHour || dim !== this.#lastDim || scope !== this.#lastScope) {
      this.#lastHour = hour;
      this.#lastDim = dim;
      this.#lastScope = scope;
      const seenKey = dim === undefined ? `${scope}|${hour}` : `${scope}|${hour}|${dim}`;
      let out = this.#seen.get(seenKey);
      if (out === undefined) {
        const day = hour.slice(0, 8);
        out = [];
        for (const d of dim === undefined ? [ALL_DIMS] : [ALL_DIMS, dim]) {
          if (scope !== 'hour') out.push(this.#bucket(DAY_GRAIN, day, d));
          if (scope !== 'day') out.push(this.#bucket(HOUR_GRAIN, hour, d));
        }
        this.#seen.set(seenKey, out);
      }
      this.#lastBuckets = out;
    }
    return this.#lastBuckets;
  }

  add(hour: string, field: TalliedSumField | NetField | ExtraSumField, n = 1, dim?: string): void {
    if (n === 0) return;
    for (const b of this.#of(hour, dim, 'both')) b.adds[field] = (b.adds[field] ?? 0) + n;
  }

  peak(hour: string, field: PeakField, value: number, dim?: string, scope: Scope = 'both'): void {
    for (const b of this.#of(hour, dim, scope)) if (value > (b.peaks[field] ?? -1)) b.peaks[field] = value;
  }

  member(hour: string, field: DistinctField, member: string, dim?: string, scope: Scope = 'both'): void {
    if (scope !== 'both') this.#onlyBoth = false;
    for (const b of this.#of(hour, dim, scope)) (b.members[field] ??= new Set()).add(member);
  }

  /**
   * member() of an event (scope both), skipping the four set additions when the member is in
   * the hour's set of the dimension already: while every member came in through scope both, it
   * is then in all four (most senders send more than once an hour).
   */
  eventMember(hour: string, field: DistinctField, member: string, dim?: string): void {
    const buckets = this.#of(hour, dim, 'both');
    // The last bucket of #of is the finest: the hour of the dimension.
    if (this.#onlyBoth && buckets[buckets.length - 1]!.members[field]?.has(member)) return;
    for (const b of buckets) (b.members[field] ??= new Set()).add(member);
  }

  /** A member of a day-only, all-platforms set (the registration cohort). */
  dayMember(day: string, set: SetName, member: string): void {
    (this.#bucket(DAY_GRAIN, day, ALL_DIMS).members[set] ??= new Set()).add(member);
  }

  buckets(): BucketTally[] {
    return [...this.#buckets.values()];
  }

  /**
   * Adds what another tally of the same batch counted in bucket `key` (ingestStream's worker
   * thread tallies the stateless part; see prepared-batch.ts): sums add, members unite.
   */
  absorb(key: BucketKey, adds: BucketTally['adds'], members: Partial<Record<SetName, Iterable<string>>>): void {
    this.#onlyBoth = false;
    const b = this.#bucket(key.grain, key.bucket, key.dim);
    for (const f of ADDED_FIELDS) {
      const n = adds[f];
      if (n) b.adds[f] = (b.adds[f] ?? 0) + n;
    }
    for (const set of SET_NAMES) {
      const list = members[set];
      if (!list) continue;
      const into = (b.members[set] ??= new Set());
      for (const m of list) into.add(m);
    }
  }
}

/** The fields a bucket's `adds` may hold, in a fixed order (the worker's encoding uses it). */
export const ADDED_FIELDS: ReadonlyArray<keyof BucketTally['adds']> = [...TALLIED_SUM_FIELDS, ...NET_FIELDS, ...EXTRA_SUM_FIELDS];
/** The sets a bucket's `members` may hold, in a fixed order. */
export const SET_NAMES: readonly SetName[] = [...DISTINCT_FIELDS, COHORT_SET];

/** A function returning a new object with each of `names` undefined: copies of one template, so every bucket has one shape. */
function emptyRecord<T>(names: readonly string[]): () => T {
  const template = Object.fromEntries(names.map((n) => [n, undefined])) as T & object;
  return () => ({ ...template });
}

const emptyAdds = emptyRecord<BucketTally['adds']>(ADDED_FIELDS);
const emptyPeaks = emptyRecord<BucketTally['peaks']>(PEAK_FIELDS);
const emptyMembers = emptyRecord<BucketTally['members']>(SET_NAMES);
