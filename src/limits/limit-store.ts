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
  /**
   * Optional synchronous fast path of `admit`, for a store whose counts live in this process:
   * the same answer and the same effect, returned at once, so an authenticated call costs no
   * promise or microtask. A networked store (Redis) leaves it out and callers await `admit`.
   * A store that has it must keep both views of one key identical (they are one counter).
   */
  admitNow?(key: string, limit: number, windowMs: number, nowMs: number): boolean;
  /** Optional synchronous fast path of `failures`, under the same rules as `admitNow`. */
  failuresNow?(key: string, windowMs: number, nowMs: number): number;
}
