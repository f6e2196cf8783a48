import type { ImEvent } from '../events/event.js';
import { addDays, type CalendarDay } from '../time/calendar-day.js';
import { resolveOptions, type SimulateOptions } from './simulate-options.js';
import { preRegisteredUsers } from './simulated-ids.js';
import { Simulator } from './simulator.js';
import { zoneMidnight } from './zone-days.js';

/**
 * A deterministic, streamed IM workload for one app: canonical events (events.md) in
 * non-decreasing `time` order. The same options (with an explicit `start`) give the same events.
 *
 * The output begins with a warm-up day, the day before `start`: users registered before the
 * start (`user.register`, unless `baseline: 'omit'`), the groups that already existed
 * (`group.create`) and, from noon, ordinary activity so that presence is realistic at the first
 * midnight. Simulated days `start` … `start + days − 1` follow. Memory grows with users and
 * groups only, never with days or events. Options are checked eagerly (RangeError).
 */
export function simulateEvents(options: SimulateOptions): Generator<ImEvent, void, undefined> {
  return new Simulator(resolveOptions(options)).events();
}

/** What a simulation covers and the baselines to give the app before ingesting it. */
export interface SimulationPlan {
  /** The warm-up day (start − 1): first event's day. */
  readonly warmUpDay: CalendarDay;
  /** First simulated day. */
  readonly start: CalendarDay;
  /** Last simulated day. */
  readonly end: CalendarDay;
  readonly timezone: string;
  /** All events have fromMs ≤ time < toMs. */
  readonly fromMs: number;
  readonly toMs: number;
  /** Users registered before the start (emitted on the warm-up day unless baseline is 'omit'). */
  readonly preRegisteredUsers: number;
  /** The app's registered-user baseline to set: preRegisteredUsers with baseline 'omit', else 0. */
  readonly registeredBaseline: number;
  /** The app's group baseline to set: always 0 (existing groups are emitted as group.create). */
  readonly groupBaseline: number;
}

/** The plan of `simulateEvents(options)`, computed without generating anything. */
export function simulationPlan(options: SimulateOptions): SimulationPlan {
  const o = resolveOptions(options);
  const pre = preRegisteredUsers(o);
  const end = addDays(o.start, o.days - 1);
  return {
    warmUpDay: addDays(o.start, -1),
    start: o.start,
    end,
    timezone: o.timezone,
    fromMs: zoneMidnight(addDays(o.start, -1), o.timezone),
    toMs: zoneMidnight(addDays(end, 1), o.timezone),
    preRegisteredUsers: pre,
    registeredBaseline: o.baseline === 'omit' ? pre : 0,
    groupBaseline: 0,
  };
}
