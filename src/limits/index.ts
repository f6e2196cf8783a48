/**
 * Request limits: the per-app frequency limit (60007) and the brake on repeated UserSig
 * failures (70050). CONTRACT STUB — the limits work fills in the implementation; these
 * signatures are what the REST layer relies on. No request object crosses into this module.
 */

/** A clock in milliseconds; tests pass a fake one. */
export type Clock = () => number;

export interface FrequencyLimiterOptions {
  /** Calls allowed per key per window; default 200. */
  readonly limit?: number;
  /** Window length; default 1000 ms. */
  readonly windowMs?: number;
  /** Keys tracked at most (oldest evicted); default 100 000. */
  readonly maxKeys?: number;
  readonly clock?: Clock;
}

/** Counts calls per key in fixed windows; `take` answers false once the key is over the limit. */
export class FrequencyLimiter {
  constructor(_options: FrequencyLimiterOptions = {}) {}
  /** Counts one call for `key`; false when it is over the limit (the call must be refused). */
  take(_key: string): boolean {
    return true;
  }
}

export interface FailureBrakeOptions {
  /** Failures allowed per client per window before the brake engages; default 20. */
  readonly threshold?: number;
  /** Default 60 000 ms. */
  readonly windowMs?: number;
  readonly maxKeys?: number;
  readonly clock?: Clock;
}

/** Tracks failed signature checks per client (e.g. IP); engaged until the window passes. */
export class FailureBrake {
  constructor(_options: FailureBrakeOptions = {}) {}
  /** True when `client` is braked (answer 70050 without checking). */
  isBraked(_client: string): boolean {
    return false;
  }
  /** Records one failed check for `client`. */
  recordFailure(_client: string): void {}
}
