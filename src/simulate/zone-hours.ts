/** Every UTC offset in use is a multiple of 15 minutes, so wall-clock hours change on these slots. */
const SLOT_MS = 15 * 60_000;

/**
 * Wall-clock hour labels (`YYYYMMDDHH`) of one time zone and the instants they change, for the
 * simulator's own hourly tally. Its own Intl formatter, not the pipeline's: the tally must not
 * lean on the code it checks. A repeated hour (fall back) keeps its label across both real hours;
 * a skipped one (spring forward) never appears.
 */
export class ZoneHours {
  readonly #format: Intl.DateTimeFormat;

  constructor(timeZone: string) {
    this.#format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });
  }

  /** The label of instant `ms`. */
  label(ms: number): string {
    let y = '';
    let m = '';
    let d = '';
    let h = '';
    for (const p of this.#format.formatToParts(ms)) {
      if (p.type === 'year') y = p.value;
      else if (p.type === 'month') m = p.value;
      else if (p.type === 'day') d = p.value;
      else if (p.type === 'hour') h = p.value;
    }
    return y + m + d + h;
  }

  /** The first instant after `ms` whose label differs from that of `ms`. */
  nextChange(ms: number): number {
    const label = this.label(ms);
    let slot = Math.floor(ms / SLOT_MS) + 1;
    while (this.label(slot * SLOT_MS) === label) slot++;
    return slot * SLOT_MS;
  }
}
