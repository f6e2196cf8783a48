/** How long a delivery without an identity is remembered: 10 minutes (Tencent retries within seconds). */
export const DEFAULT_RECENT_WINDOW_MS = 10 * 60_000;
/** Deliveries remembered at most (oldest forgotten first): 100 000. */
export const DEFAULT_RECENT_ENTRIES = 100_000;

/**
 * Bodies seen recently, for callbacks whose body carries nothing that identifies the occurrence
 * (Tencent's friend callbacks have no timestamp): an identical body within the window is a retry.
 * Bounded in time (the window) and in size (maxEntries), so a genuine repeat much later — a
 * friend added, removed and added again — still counts.
 */
export class RecentDeliveries {
  /** key → expiry (Unix ms), in insertion order. */
  readonly #expiry = new Map<string, number>();

  constructor(
    readonly windowMs = DEFAULT_RECENT_WINDOW_MS,
    readonly maxEntries = DEFAULT_RECENT_ENTRIES,
  ) {}

  get size(): number {
    return this.#expiry.size;
  }

  /** True when `key` was added less than windowMs before `nowMs`. */
  has(key: string, nowMs: number): boolean {
    const expiry = this.#expiry.get(key);
    return expiry !== undefined && nowMs < expiry && nowMs >= expiry - this.windowMs;
  }

  add(key: string, nowMs: number): void {
    this.#expiry.delete(key);
    this.#expiry.set(key, nowMs + this.windowMs);
    for (const [oldest, expiry] of this.#expiry) {
      if (this.#expiry.size <= this.maxEntries && expiry > nowMs) break;
      this.#expiry.delete(oldest);
    }
  }
}
