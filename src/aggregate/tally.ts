import type { DistinctField, PeakField, SumField, NetField } from '../catalog/fields.js';
import { bucketId, bucketsFor, type BucketKey } from './bucket-key.js';

/** What a batch adds to one bucket before it meets the database. */
export interface BucketTally {
  readonly key: BucketKey;
  /** Increments of sum fields and net changes of net fields. */
  readonly adds: Partial<Record<SumField | NetField, number>>;
  /** Highest value seen of each peak field. */
  readonly peaks: Partial<Record<PeakField, number>>;
  /** Candidate members of each distinct set; the store counts the ones that are new. */
  readonly members: Partial<Record<DistinctField, Set<string>>>;
}

/** Accumulates a batch's effects per bucket, in memory. */
export class Tally {
  readonly #buckets = new Map<string, BucketTally>();
  /** Last day asked for and its buckets: consecutive events mostly share a day. */
  #lastDay = '';
  #lastBuckets: BucketTally[] = [];

  #of(day: string): BucketTally[] {
    if (day !== this.#lastDay) {
      this.#lastDay = day;
      this.#lastBuckets = bucketsFor(day).map((key) => {
        const id = bucketId(key);
        let b = this.#buckets.get(id);
        if (!b) {
          b = { key, adds: {}, peaks: {}, members: {} };
          this.#buckets.set(id, b);
        }
        return b;
      });
    }
    return this.#lastBuckets;
  }

  add(day: string, field: SumField | NetField, n = 1): void {
    if (n === 0) return;
    for (const b of this.#of(day)) b.adds[field] = (b.adds[field] ?? 0) + n;
  }

  peak(day: string, field: PeakField, value: number): void {
    for (const b of this.#of(day)) if (value > (b.peaks[field] ?? -1)) b.peaks[field] = value;
  }

  member(day: string, field: DistinctField, member: string): void {
    for (const b of this.#of(day)) (b.members[field] ??= new Set()).add(member);
  }

  buckets(): BucketTally[] {
    return [...this.#buckets.values()];
  }
}
