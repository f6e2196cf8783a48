/** A measured size and its throughput. */
export interface RatePoint {
  readonly events: number;
  readonly eventsPerS: number;
}

/**
 * The throughput expected at `events`, beyond the measured sizes: the last two points' trend
 * continued on a log scale (the rate changes by the same factor per tenfold growth). A rate that
 * grew with size is not extrapolated upwards: the last rate is kept. One point: that rate.
 */
export function extrapolateRate(points: readonly RatePoint[], events: number): number {
  const last = points[points.length - 1];
  if (!last) throw new RangeError('extrapolateRate needs at least one measured point');
  const prev = points[points.length - 2];
  if (!prev || prev.events === last.events || last.eventsPerS >= prev.eventsPerS) return last.eventsPerS;
  const decades = Math.log10(events / last.events) / Math.log10(last.events / prev.events);
  return last.eventsPerS * (last.eventsPerS / prev.eventsPerS) ** decades;
}
