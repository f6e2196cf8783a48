/**
 * Where the request limits keep their counters. This process's memory (LocalLimitStore) is the
 * default; a store shared by every node (Redis) implements the same three calls. Methods are
 * async so a networked store fits, take plain keys and numbers (no request object crosses into
 * a store), and are given the caller's clock reading so that every node and test agrees on time.
 */
export interface LimitStore {
  /**
   * Sliding-window admission: counts one call for `key` and resolves true when fewer than `limit`
   * calls were admitted in the `windowMs` before `nowMs`, so that no interval of `windowMs` ever
   * admits more than `limit`; resolves false (nothing counted) otherwise.
   */
  admit(key: string, limit: number, windowMs: number, nowMs: number): Promise<boolean>;
  /**
   * Adds one failure to `key`'s window, opened at its first failure and lasting `windowMs`, and
   * resolves with the failures in it (1 for a fresh window).
   */
  addFailure(key: string, windowMs: number, nowMs: number): Promise<number>;
  /** The failures in `key`'s open window; 0 when it has none or it has passed. */
  failures(key: string, windowMs: number, nowMs: number): Promise<number>;
}
