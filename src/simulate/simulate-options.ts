import type { Counters, ExtraSumField, PLATFORM_FIELDS, VENDOR_FIELDS } from '../catalog/fields.js';
import { addDays, isCalendarDay, type CalendarDay } from '../time/calendar-day.js';
import { assertTimeZone, dayOfZone } from '../time/day-of.js';

/** Behaviour knobs of the simulated app; every one has a default (see DEFAULT_KNOBS). */
export interface SimulationKnobs {
  /** Share of `users` already registered before the first simulated day (default 0.6). */
  readonly preRegisteredShare: number;
  /** Share of users deleted at some point of the simulated period (default 0.005). */
  readonly deletedShare: number;
  /**
   * Mean sessions per registered user per weekday (default 0.4). Per-user rates are
   * heavy-tailed (Pareto), so most users are dormant on a given day and a few are on all day.
   */
  readonly sessionsPerUserDay: number;
  /** Scales all session durations; median mobile session ≈ 8 min × this, desktop ≈ 60 min × this (default 1). */
  readonly sessionLengthFactor: number;
  /** Median in-session actions (mostly messages) per minute on mobile (default 0.4; desktop a quarter of it). */
  readonly actionsPerMinute: number;
  /** Share of messages sent to a group when the sender is in one (default 0.35). */
  readonly groupMessageShare: number;
  /** Groups existing before the start, per pre-registered user (default 0.03). */
  readonly groupsPerUser: number;
  /** Largest group size (default 2000, capped at the user count). */
  readonly maxGroupSize: number;
  /** Groups up to this size send offline pushes (bigger ones behave like chat rooms; default 200). */
  readonly pushGroupMaxSize: number;
  /** Share of (member, group) pairs with notifications on for that group (default 0.08). */
  readonly groupPushShare: number;
  /** Share of one-to-one messages the server fails to deliver, `ok: false` (default 0.002). */
  readonly c2cFailureShare: number;
  /** Share of messages whose source states `delivered` (always the true value; default 0.05). */
  readonly explicitDeliveredShare: number;
  /** Share of sessions that end by heartbeat time-out, minutes after the last activity (default 0.15). */
  readonly timeoutLogoutShare: number;
  /** Weekend activity relative to a weekday (default 1.2). */
  readonly weekendFactor: number;
  /** Share of actions (login, logout, message, friend add, group create) that call the app's webhook (default 0.25). */
  readonly callbackShare: number;
  /** Share of webhook calls not answered in time (`answered: false`; default 0.01); half of those are retried. */
  readonly callbackFailureShare: number;
}

export const DEFAULT_KNOBS: SimulationKnobs = {
  preRegisteredShare: 0.6,
  deletedShare: 0.005,
  sessionsPerUserDay: 0.4,
  sessionLengthFactor: 1,
  actionsPerMinute: 0.4,
  groupMessageShare: 0.35,
  groupsPerUser: 0.03,
  maxGroupSize: 2000,
  pushGroupMaxSize: 200,
  groupPushShare: 0.08,
  c2cFailureShare: 0.002,
  explicitDeliveredShare: 0.05,
  timeoutLogoutShare: 0.15,
  weekendFactor: 1.2,
  callbackShare: 0.25,
  callbackFailureShare: 0.01,
};

/** By:"platform" fields of one platform in one bucket (stats-api.md). */
export type PlatformCounts = Record<(typeof PLATFORM_FIELDS)[number], number>;
/** By:"vendor" fields of one push vendor in one bucket. */
export type VendorCounts = Record<(typeof VENDOR_FIELDS)[number], number>;
/** The getstats-only sums of a bucket. */
export type ExtraSums = Record<ExtraSumField, number>;

/** One finished bucket (a day or an hour) as the pipeline must count it (the simulator's own tally). */
export interface SimulatedBucket {
  /** `YYYYMMDD` or `YYYYMMDDHH` in the app's time zone (a repeated hour is one bucket). */
  readonly bucket: string;
  /**
   * All 28 counted fields as `getappinfo` (days) and getstats report them: net fields are totals
   * including the baselines of `simulationPlan` (set them on the app), derived deliveries follow
   * presence.
   */
  readonly counters: Counters;
  /** C2COfflineMsgNum, GroupOfflineMsgNum, PushNum, C2CPushNum, GroupPushNum. */
  readonly extra: ExtraSums;
  /** Per platform name with any activity (or anyone online on it) in the bucket. */
  readonly platforms: Readonly<Record<string, PlatformCounts>>;
  /** Per push vendor with pushes in the bucket. */
  readonly vendors: Readonly<Record<string, VendorCounts>>;
}

/** One finished day of the simulation. */
export interface SimulatedDay extends SimulatedBucket {
  readonly day: CalendarDay;
  /** True for the warm-up day before `start`, which sets up the pre-existing world. */
  readonly warmUp: boolean;
  /** ActiveUserNum7d and ActiveUserNum30d of the day. */
  readonly reach: { readonly ActiveUserNum7d: number; readonly ActiveUserNum30d: number };
  /**
   * Of the users registered that day, those active 1, 7 and 30 days later: these grow after the
   * day is handed out, as the later days close (0 when they lie beyond the simulation).
   */
  readonly retained: { RetainedD1: number; RetainedD7: number; RetainedD30: number };
}

export interface SimulateOptions extends Partial<SimulationKnobs> {
  /** The app the events belong to (a positive integer; every event carries it). */
  readonly sdkappid: number;
  /** Simulated days after the warm-up day (≥ 1). */
  readonly days: number;
  /** Users of the app over the whole period, registered before or during it (≥ 1). */
  readonly users: number;
  /** PRNG seed; same options and seed give the same events (default 1). */
  readonly seed?: number;
  /** First simulated day, YYYYMMDD (default: `days` days before today, so the last day is yesterday). */
  readonly start?: CalendarDay;
  /** IANA time zone the diurnal curve and the days follow (default Asia/Shanghai). */
  readonly timezone?: string;
  /**
   * How users registered before `start` appear (default 'events'): 'events' emits their
   * `user.register` on the warm-up day; 'omit' does not, and `simulationPlan().registeredBaseline`
   * is the count to set as the app's registered-user baseline.
   */
  readonly baseline?: 'events' | 'omit';
  /** Now, Unix ms, only used for the default `start` (default Date.now()). */
  readonly now?: number;
  /** Called with each day's expected numbers once the generator has moved past that day. */
  readonly onDay?: (day: SimulatedDay) => void;
  /** Called with each hour's expected numbers once the generator has moved past it (hours are only tallied when given). */
  readonly onHour?: (hour: SimulatedBucket) => void;
}

/** Options with every default applied and checked. */
export interface ResolvedOptions extends SimulationKnobs {
  readonly sdkappid: number;
  readonly days: number;
  readonly users: number;
  readonly seed: number;
  readonly start: CalendarDay;
  readonly timezone: string;
  readonly baseline: 'events' | 'omit';
  readonly onDay?: (day: SimulatedDay) => void;
  readonly onHour?: (hour: SimulatedBucket) => void;
}

/** Most users a simulation may have (typed arrays per user; ids stay short). */
export const MAX_USERS = 20_000_000;

function positiveInt(name: string, v: unknown, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1 || v > max) {
    throw new RangeError(`${name} must be an integer from 1 to ${max}, got ${String(v)}`);
  }
  return v;
}

function share(name: string, v: number): number {
  if (!(v >= 0 && v <= 1)) throw new RangeError(`${name} must be between 0 and 1, got ${v}`);
  return v;
}

function positive(name: string, v: number): number {
  if (!(v > 0 && Number.isFinite(v))) throw new RangeError(`${name} must be a positive number, got ${v}`);
  return v;
}

/** Applies defaults and validates; throws a RangeError naming the bad option. */
export function resolveOptions(options: SimulateOptions): ResolvedOptions {
  const sdkappid = positiveInt('sdkappid', options.sdkappid, Number.MAX_SAFE_INTEGER);
  const days = positiveInt('days', options.days, 100_000);
  const users = positiveInt('users', options.users, MAX_USERS);
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const timezone = options.timezone ?? 'Asia/Shanghai';
  assertTimeZone(timezone);
  const start = options.start ?? addDays(dayOfZone(timezone).day(options.now ?? Date.now()), -days);
  if (!isCalendarDay(start)) throw new RangeError(`start must be a date written YYYYMMDD, got "${start}"`);
  const baseline = options.baseline ?? 'events';
  if (baseline !== 'events' && baseline !== 'omit') throw new RangeError(`baseline must be "events" or "omit", got "${String(baseline)}"`);
  const k = { ...DEFAULT_KNOBS };
  for (const key of Object.keys(DEFAULT_KNOBS) as (keyof SimulationKnobs)[]) {
    const v = options[key];
    if (v !== undefined) k[key] = v;
  }
  for (const key of [
    'preRegisteredShare',
    'deletedShare',
    'groupMessageShare',
    'groupPushShare',
    'c2cFailureShare',
    'explicitDeliveredShare',
    'timeoutLogoutShare',
    'callbackShare',
    'callbackFailureShare',
  ] as const) {
    share(key, k[key]);
  }
  for (const key of ['sessionsPerUserDay', 'sessionLengthFactor', 'actionsPerMinute', 'weekendFactor'] as const) positive(key, k[key]);
  if (!(k.groupsPerUser >= 0 && Number.isFinite(k.groupsPerUser))) throw new RangeError(`groupsPerUser must be ≥ 0, got ${k.groupsPerUser}`);
  positiveInt('maxGroupSize', k.maxGroupSize, 1_000_000);
  if (!(Number.isSafeInteger(k.pushGroupMaxSize) && k.pushGroupMaxSize >= 0)) {
    throw new RangeError(`pushGroupMaxSize must be an integer ≥ 0, got ${k.pushGroupMaxSize}`);
  }
  return { ...k, sdkappid, days, users, seed, start, timezone, baseline, onDay: options.onDay, onHour: options.onHour };
}
