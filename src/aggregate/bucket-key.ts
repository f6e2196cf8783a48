/**
 * Where a count lands: an app's series is keyed by grain (`day` today; `hour` next), bucket
 * (`YYYYMMDD` for days) and dimension (`''` = all platforms; `platform:iOS` next). A finer
 * bucket or an extra breakdown is more keys from `bucketsFor`, not a new code path.
 */
export interface BucketKey {
  readonly grain: string;
  readonly bucket: string;
  readonly dim: string;
}

/** The all-platforms daily series that getappinfo reads. */
export const DAY_GRAIN = 'day';
export const ALL_DIMS = '';

/** The buckets an event of day `day` counts in. */
export function bucketsFor(day: string): readonly BucketKey[] {
  return [{ grain: DAY_GRAIN, bucket: day, dim: ALL_DIMS }];
}

export function bucketId(key: BucketKey): string {
  return `${key.grain}|${key.bucket}|${key.dim}`;
}
