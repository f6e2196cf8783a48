import { DEFAULT_PLATFORM } from '../events/event.js';

/**
 * Where a count lands: an app's series is keyed by grain (`day`, `hour`), bucket (`YYYYMMDD`,
 * `YYYYMMDDHH`) and dimension (`''` = all platforms; `platform:iOS`; `vendor:apns`). A finer
 * bucket or an extra breakdown is more keys, not a new code path.
 */
export interface BucketKey {
  readonly grain: string;
  readonly bucket: string;
  readonly dim: string;
}

/** The all-platforms daily series that getappinfo reads. */
export const DAY_GRAIN = 'day';
export const HOUR_GRAIN = 'hour';
export const ALL_DIMS = '';
export const PLATFORM_DIM_PREFIX = 'platform:';
export const VENDOR_DIM_PREFIX = 'vendor:';

/** The breakdown name of a platform: an event without one counts under `Unknown` (stats-api.md). */
export function platformValue(platform: string): string {
  return platform === DEFAULT_PLATFORM ? 'Unknown' : platform;
}

export function platformDim(platform: string): string {
  return PLATFORM_DIM_PREFIX + platformValue(platform);
}

export function vendorDim(vendor: string): string {
  return VENDOR_DIM_PREFIX + vendor;
}

/**
 * The kept set of users registered on a day (day grain, all platforms): retention's cohorts. It
 * has no column in the stats table; RegistUserNumOneDay counts the same registrations.
 */
export const COHORT_SET = 'Cohort';

export function bucketId(key: BucketKey): string {
  return `${key.grain}|${key.bucket}|${key.dim}`;
}
