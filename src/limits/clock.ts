/** A clock in milliseconds; tests pass a fake one. */
export type Clock = () => number;

/** The real clock. */
export const systemClock: Clock = () => Date.now();

/** Validates a positive integer option, so a typo in config fails at start-up, not under load. */
export function positiveInteger(owner: string, name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${owner}: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}
