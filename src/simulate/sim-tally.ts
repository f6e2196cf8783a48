import { GrainTally } from './grain-tally.js';
import { PLATFORMS } from './platforms.js';
import type { SimulatedBucket, SimulatedDay } from './simulate-options.js';
import type { ZoneDays } from './zone-days.js';
import { ZoneHours } from './zone-hours.js';

const NEVER = -1_000_000;
/** Days a day's registration cohort is followed (RetainedD30). */
const COHORT_DAYS = 30;

/**
 * The simulator's own count of every getstats field, kept alongside generation from the
 * simulator's exact state (presence, membership), so a test can compare the pipeline's numbers
 * with what the stream must produce: days always, hours when asked for (`onHour`), each with the
 * per-platform and per-vendor breakdowns; reach and retention per day. Written from metrics.md
 * and stats-api.md, sharing nothing with the pipeline but the field names.
 */
export class SimTally {
  readonly #days: ZoneDays;
  readonly #onDay: ((day: SimulatedDay) => void) | undefined;
  readonly #day: GrainTally;
  readonly #hour: GrainTally | undefined;
  readonly #hours: ZoneHours;
  readonly #grains: readonly GrainTally[];
  #dayIndex: number;
  #nextMidnight: number;
  #nextHour: number;
  #online = 0;
  readonly #platformOnline = new Int32Array(PLATFORMS.length);
  #registered: number;
  #groups = 0;
  /** Per user: the last day index it was active on, and the day it registered on. */
  readonly #lastActive: Int32Array;
  readonly #registeredOn: Int32Array;
  /** The days handed out, by index, kept while their cohorts are followed. */
  readonly #recent = new Map<number, SimulatedDay>();

  constructor(
    users: number,
    days: ZoneDays,
    firstDay: number,
    registeredBaseline: number,
    onDay?: (day: SimulatedDay) => void,
    onHour?: (hour: SimulatedBucket) => void,
  ) {
    this.#days = days;
    this.#onDay = onDay;
    this.#registered = registeredBaseline;
    this.#lastActive = new Int32Array(users).fill(NEVER);
    this.#registeredOn = new Int32Array(users).fill(NEVER);
    this.#dayIndex = firstDay;
    this.#day = new GrainTally(users, (b) => this.#closeDay(b));
    this.#hours = new ZoneHours(days.timeZone);
    this.#hour = onHour ? new GrainTally(users, onHour) : undefined;
    this.#grains = this.#hour ? [this.#day, this.#hour] : [this.#day];
    const start = days.midnight(firstDay);
    const none = new Uint8Array(0);
    this.#day.open(days.day(firstDay), none, 0, this.#platformOnline);
    this.#nextMidnight = days.midnight(firstDay + 1);
    this.#hour?.open(this.#hours.label(start), none, 0, this.#platformOnline);
    this.#nextHour = this.#hours.nextChange(start);
  }

  #net(): { registered: number; groups: number } {
    return { registered: this.#registered, groups: this.#groups };
  }

  /**
   * Moves the buckets in progress to the ones containing `t` (the time of the next action),
   * opening every bucket crossed. `online` is the presence mask per user.
   */
  advance(t: number, online: Uint8Array): void {
    if (this.#hour) {
      while (t >= this.#nextHour) {
        this.#hour.close(this.#net());
        this.#hour.open(this.#hours.label(this.#nextHour), online, this.#online, this.#platformOnline);
        this.#nextHour = this.#hours.nextChange(this.#nextHour);
      }
    }
    if (t >= this.#nextMidnight) {
      this.advanceDays(this.#days.indexOf(t), online);
      this.#nextMidnight = this.#days.midnight(this.#dayIndex + 1);
    }
  }

  /** Opens days until day index `day` is in progress. */
  advanceDays(day: number, online: Uint8Array): void {
    while (this.#dayIndex < day) {
      this.#day.close(this.#net());
      this.#dayIndex++;
      this.#day.open(this.#days.day(this.#dayIndex), online, this.#online, this.#platformOnline);
    }
  }

  /** Closes the buckets in progress (the last ones). */
  finish(): void {
    this.#day.close(this.#net());
    this.#hour?.close(this.#net());
  }

  #closeDay(b: SimulatedBucket): void {
    const k = this.#dayIndex;
    const d = this.#day;
    let d7 = 0;
    let d30 = 0;
    const last = this.#lastActive;
    const reg = this.#registeredOn;
    for (let u = 0; u < last.length; u++) {
      if (d.isActive(u)) {
        last[u] = k;
        const r = reg[u]!;
        if (r === k - 1) this.#recent.get(r)!.retained.RetainedD1++;
        else if (r === k - 7) this.#recent.get(r)!.retained.RetainedD7++;
        else if (r === k - COHORT_DAYS) this.#recent.get(r)!.retained.RetainedD30++;
      }
      if (last[u]! > k - 7) d7++;
      if (last[u]! > k - 30) d30++;
    }
    const day: SimulatedDay = {
      ...b,
      day: b.bucket,
      warmUp: k < 0,
      reach: { ActiveUserNum7d: d7, ActiveUserNum30d: d30 },
      retained: { RetainedD1: 0, RetainedD7: 0, RetainedD30: 0 },
    };
    this.#recent.set(k, day);
    this.#recent.delete(k - COHORT_DAYS - 1);
    this.#onDay?.(day);
  }

  #add(field: Parameters<GrainTally['add']>[0], n = 1): void {
    this.#day.add(field, n);
    this.#hour?.add(field, n);
  }

  register(u: number): void {
    this.#add('RegistUserNumOneDay');
    this.#registered++;
    this.#registeredOn[u] = this.#dayIndex;
  }

  deleteUser(): void {
    this.#registered--;
  }

  /** u logged in on platform p; `was` is u's presence mask before. */
  login(u: number, p: number, was: number): void {
    if (was === 0) this.#online++;
    if ((was & (1 << p)) === 0) this.#platformOnline[p]!++;
    for (const g of this.#grains) {
      g.login(u, p);
      g.peak(this.#online, p, this.#platformOnline[p]!);
    }
  }

  /** u logged out of platform p (it was logged in there); `now` is u's presence mask after. */
  logout(p: number, now: number): void {
    this.#platformOnline[p]!--;
    if (now === 0) this.#online--;
  }

  c2c(u: number, p: number, delivered: number, offline: number): void {
    for (const g of this.#grains) g.c2c(u, p, delivered, offline);
  }

  groupMessage(u: number, p: number, slot: number, delivered: number, offline: number): void {
    for (const g of this.#grains) g.groupMessage(u, p, slot, delivered, offline);
  }

  push(vendor: number, chat: 'c2c' | 'group'): void {
    for (const g of this.#grains) g.push(vendor, chat);
  }

  friendsAdded(n: number): void {
    this.#add('ChainIncrease', n);
  }

  friendsDeleted(n: number): void {
    this.#add('ChainDecrease', n);
  }

  groupCreated(slot: number): void {
    this.#add('GroupNewGroupNum');
    this.#groups++;
    for (const g of this.#grains) g.resetGroup(slot);
  }

  groupDestroyed(): void {
    this.#add('GroupDestroyGroupNum');
    this.#groups--;
  }

  joined(): void {
    this.#add('GroupJoinGroupTimes');
  }

  quit(): void {
    this.#add('GroupQuitGroupTimes');
  }

  callback(answered: boolean): void {
    this.#add('CallBackReq');
    if (answered) this.#add('CallBackRsp');
  }
}
