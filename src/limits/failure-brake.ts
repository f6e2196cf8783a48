import { positiveInteger, systemClock, type Clock } from './clock.js';

export interface FailureBrakeOptions {
  /** Failures allowed per client per window before the brake engages; default 20. */
  readonly threshold?: number;
  /** Default 60 000 ms. */
  readonly windowMs?: number;
  /** Clients tracked at most (oldest evicted); default 100 000. */
  readonly maxKeys?: number;
  readonly clock?: Clock;
}

interface FailureWindow {
  /** When the client's first failure of this window happened. */
  readonly startedAt: number;
  count: number;
}

/**
 * Tracks failed signature checks per client (e.g. IP); engaged until the window passes.
 *
 * A client's window opens at its first failure and lasts `windowMs`; once it has more than
 * `threshold` failures in it, `isBraked` answers true until the window ends, then the client
 * starts afresh. At most `maxKeys` clients are tracked; the one whose window opened earliest
 * is evicted first (most likely already over), which bounds memory at the cost of releasing
 * a braked client early when more than `maxKeys` clients fail within one window.
 */
export class FailureBrake {
  readonly #threshold: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  readonly #clock: Clock;
  readonly #windows = new Map<string, FailureWindow>();

  constructor(options: FailureBrakeOptions = {}) {
    this.#threshold = positiveInteger('FailureBrake', 'threshold', options.threshold ?? 20);
    this.#windowMs = positiveInteger('FailureBrake', 'windowMs', options.windowMs ?? 60_000);
    this.#maxKeys = positiveInteger('FailureBrake', 'maxKeys', options.maxKeys ?? 100_000);
    this.#clock = options.clock ?? systemClock;
  }

  /** True when `client` is braked (answer 70050 without checking). */
  isBraked(client: string): boolean {
    const window = this.#current(client, this.#clock());
    return window !== undefined && window.count > this.#threshold;
  }

  /** Records one failed check for `client`. */
  recordFailure(client: string): void {
    const now = this.#clock();
    const window = this.#current(client, now);
    if (window !== undefined) {
      window.count++;
      return;
    }
    this.#windows.set(client, { startedAt: now, count: 1 });
    while (this.#windows.size > this.#maxKeys) {
      this.#windows.delete(this.#windows.keys().next().value as string);
    }
  }

  /** Clients currently tracked (bounded by maxKeys). */
  get size(): number {
    return this.#windows.size;
  }

  /** The client's open window, dropping it when it has passed. */
  #current(client: string, now: number): FailureWindow | undefined {
    const window = this.#windows.get(client);
    if (window === undefined) return undefined;
    if (now - window.startedAt < this.#windowMs) return window;
    this.#windows.delete(client);
    return undefined;
  }
}
