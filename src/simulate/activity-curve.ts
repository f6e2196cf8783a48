import { weekday } from '../time/calendar-day.js';
import type { ZoneDays } from './zone-days.js';

/**
 * Relative activity per local hour (0 h … 23 h) of a consumer IM app: a deep night trough, a
 * morning rise, a lunch bump and the evening peak around 21 h.
 */
export const WEEKDAY_HOURLY: readonly number[] = [
  3.0, 1.6, 0.9, 0.55, 0.45, 0.6, 1.4, 3.2, 4.8, 5.2, 5.3, 5.6, 6.4, 5.6, 5.0, 5.0, 5.2, 5.7, 6.4, 7.3, 8.3, 8.9, 7.6, 5.2,
];
/** Weekends: people sleep in, the night runs later and the afternoon is busier. */
export const WEEKEND_HOURLY: readonly number[] = [
  4.0, 2.6, 1.5, 0.8, 0.55, 0.5, 0.8, 1.6, 2.8, 4.2, 5.2, 5.8, 6.4, 6.2, 5.9, 5.8, 5.9, 6.2, 6.8, 7.6, 8.5, 9.0, 8.0, 6.0,
];

const BINS = 96;

/** Cumulative bin weights (length BINS + 1) of an hourly profile, scaled to `total`. */
function binCumulative(hourly: readonly number[], total: number): Float64Array {
  const w = new Float64Array(BINS);
  let sum = 0;
  for (let b = 0; b < BINS; b++) {
    // Hourly values sit at the middle of their hour; interpolate cyclically between them.
    const h = (b + 0.5) / 4 - 0.5;
    const i = Math.floor(h);
    const f = h - i;
    const v0 = hourly[(i + 24) % 24]!;
    const v1 = hourly[(i + 25) % 24]!;
    w[b] = v0 + (v1 - v0) * f;
    sum += w[b]!;
  }
  const cum = new Float64Array(BINS + 1);
  for (let b = 0; b < BINS; b++) cum[b + 1] = cum[b]! + (w[b]! / sum) * total;
  return cum;
}

/**
 * The app-wide activity intensity over time and its integral Λ ("activity units": one weekday
 * = 1, one weekend day = weekendFactor). Users act as Poisson processes in Λ, so a user's next
 * session is `inverse(at(now) + Exp(1) / rate)`: that single draw follows the diurnal curve and
 * the weekly rhythm exactly, with no per-day state. Λ of whole days is a closed form over the
 * week, so nothing here grows with the number of days.
 */
export class ActivityCurve {
  readonly #days: ZoneDays;
  readonly #weekdayCum: Float64Array;
  readonly #weekendCum: Float64Array;
  /** Λ at the start of day k for k = 0 … 7 (one week from the start day). */
  readonly #weekPrefix: Float64Array;
  readonly #firstWeekday: number;

  constructor(days: ZoneDays, weekendFactor: number) {
    this.#days = days;
    this.#weekdayCum = binCumulative(WEEKDAY_HOURLY, 1);
    this.#weekendCum = binCumulative(WEEKEND_HOURLY, weekendFactor);
    this.#firstWeekday = weekday(days.start);
    this.#weekPrefix = new Float64Array(8);
    for (let k = 0; k < 7; k++) this.#weekPrefix[k + 1] = this.#weekPrefix[k]! + this.#cum(k)[BINS]!;
  }

  #isWeekend(k: number): boolean {
    const wd = (((this.#firstWeekday + k) % 7) + 7) % 7;
    return wd === 0 || wd === 6;
  }

  #cum(k: number): Float64Array {
    return this.#isWeekend(k) ? this.#weekendCum : this.#weekdayCum;
  }

  /** Λ at the start of day k (any integer k). */
  dayStart(k: number): number {
    const weeks = Math.floor(k / 7);
    return weeks * this.#weekPrefix[7]! + this.#weekPrefix[k - weeks * 7]!;
  }

  /** Λ at instant `ms`. */
  at(ms: number): number {
    const k = this.#days.indexOf(ms);
    const m0 = this.#days.midnight(k);
    const len = this.#days.midnight(k + 1) - m0;
    const cum = this.#cum(k);
    if (len <= 0) return this.dayStart(k);
    const f = ((ms - m0) / len) * BINS;
    const b = Math.min(BINS - 1, Math.floor(f));
    return this.dayStart(k) + cum[b]! + (f - b) * (cum[b + 1]! - cum[b]!);
  }

  /** The instant (ms, not rounded) where Λ reaches `lambda`. */
  inverse(lambda: number): number {
    let k = Math.floor((lambda / this.#weekPrefix[7]!) * 7);
    while (this.dayStart(k + 1) <= lambda) k++;
    while (this.dayStart(k) > lambda) k--;
    const cum = this.#cum(k);
    const r = lambda - this.dayStart(k);
    let lo = 0;
    let hi = BINS; // cum[lo] <= r < cum[hi]
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! <= r) lo = mid;
      else hi = mid;
    }
    const f = lo + (r - cum[lo]!) / (cum[lo + 1]! - cum[lo]!);
    const m0 = this.#days.midnight(k);
    return m0 + (Math.min(f, BINS) / BINS) * (this.#days.midnight(k + 1) - m0);
  }

  /** The relative intensity (per activity unit) of the local hour `hour` of day k, for tests and docs. */
  hourWeight(k: number, hour: number): number {
    const cum = this.#cum(k);
    return cum[(hour + 1) * 4]! - cum[hour * 4]!;
  }
}
