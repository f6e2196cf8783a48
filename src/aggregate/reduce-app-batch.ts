import { DEFAULT_PLATFORM, type ImEvent } from '../events/event.js';
import { addDays } from '../time/calendar-day.js';
import type { DayOf } from '../time/day-of.js';
import type { AppState } from './app-state.js';
import { GroupPresence } from './group-presence.js';
import { COHORT_SET, PLATFORM_DIM_PREFIX, platformDim, platformValue, vendorDim } from './bucket-key.js';
import { Tally } from './tally.js';

export interface ReduceOptions {
  /** The app's time zone. */
  readonly dayOf: DayOf;
  /** Days carried over midnight are counted at most this far back (the retention window). */
  readonly maxCarryDays: number;
}

/**
 * Applies one app's events, sorted by time, to its state and tallies the counted fields
 * (metrics.md). Pure apart from mutating `state`, which must hold everything `stateNeeds` asked
 * for. Events older than the presence clock are late: they count in sums and distinct sets and
 * change registrations, groups and memberships, but do not rewrite presence.
 *
 * Two passes whose tallies add up (sums add, sets unite, peaks take the maximum, so the split
 * changes no number): what each event counts on its own (tallyStateless, which a worker thread
 * runs ahead of the state in ingestStream), then what depends on the state (reduceStateful).
 */
export function reduceAppBatch(events: readonly ImEvent[], state: AppState, options: ReduceOptions): Tally {
  const tally = new Tally();
  tallyStateless(events, tally, options.dayOf);
  reduceStateful(events, state, tally, options);
  return tally;
}

/**
 * A time the stateful pass moves presence to on behalf of events that need no state
 * (statefulEvents): only its time counts.
 */
export interface ClockMark {
  readonly type: 'clock';
  readonly time: number;
  readonly sdkappid: number;
}

/** An input of reduceStateful: an event, or a clock mark standing for events that need no state. */
export type StatefulInput = ImEvent | ClockMark;

/** False for an event all of whose effects tallyStateless counts: reduceStateful only moves the clock for it. */
export function needsState(e: ImEvent): boolean {
  switch (e.type) {
    case 'push':
    case 'friend.add':
    case 'friend.delete':
    case 'callback':
      return false;
    case 'msg.c2c':
      return e.delivered === undefined && e.ok;
    default:
      return true;
  }
}

/**
 * The part of one app's sorted events that reduceStateful needs for the same result as all of
 * them: every event that needs state, and a clock mark for each other event that is the first,
 * the last, or in another hour than the event before it. An event left out needs no state and
 * lies in the hour of the one before it, so moving presence to it crosses no hour (hoursAfter
 * depends only on the hour it starts from), and the clock it would leave is overwritten by the
 * next one kept (the last is kept: the final clock is the same).
 */
export function statefulEvents(events: readonly ImEvent[], dayOf: DayOf): StatefulInput[] {
  const out: StatefulInput[] = [];
  let previousHour = '';
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const hour = dayOf.hour(e.time);
    if (needsState(e)) out.push(e);
    else if (i === 0 || i === events.length - 1 || hour !== previousHour) out.push({ type: 'clock', time: e.time, sdkappid: e.sdkappid });
    previousHour = hour;
  }
  return out;
}

/**
 * What each event counts on its own, whatever the state: the sums and distinct sets of its own
 * fields. Adds to `tally`; reads and changes no state.
 */
export function tallyStateless(events: readonly ImEvent[], tally: Tally, dayOf: DayOf): void {
  for (const e of events) tallyEvent(e, dayOf.hour(e.time), tally);
}

/** tallyStateless of one event in `hour` (its dayOf.hour). */
export function tallyEvent(e: ImEvent, hour: string, tally: Tally): void {
  switch (e.type) {
    case 'user.login': {
      const dim = platformDim(e.platform);
      tally.add(hour, 'LoginTimes', 1, dim);
      tally.eventMember(hour, 'LoginUserNum', e.user, dim);
      tally.eventMember(hour, 'ActiveUserNum', e.user, dim);
      break;
    }
    case 'msg.c2c': {
      const dim = platformDim(e.platform ?? DEFAULT_PLATFORM);
      // UpMsgNum and DownMsgNum are derived on read from these (catalog DERIVED_SUMS).
      tally.add(hour, 'C2CUpMsgNum', 1, dim);
      if (e.delivered !== undefined || !e.ok) {
        // Stated, or not delivered at all: no presence needed (the derived case is reduceStateful's).
        tally.add(hour, 'C2CDownMsgNum', e.delivered ?? 0);
        tally.add(hour, 'C2COfflineMsgNum', e.ok && e.delivered === 0 ? 1 : 0);
      }
      tally.eventMember(hour, 'C2CSendMsgUserNum', e.from, dim);
      tally.eventMember(hour, 'SendMsgUserNum', e.from, dim);
      tally.eventMember(hour, 'ActiveUserNum', e.from, dim);
      break;
    }
    case 'msg.group': {
      const dim = platformDim(e.platform ?? DEFAULT_PLATFORM);
      tally.add(hour, 'GroupUpMsgNum', 1, dim);
      tally.eventMember(hour, 'GroupSendMsgUserNum', e.from, dim);
      tally.eventMember(hour, 'SendMsgUserNum', e.from, dim);
      tally.eventMember(hour, 'ActiveUserNum', e.from, dim);
      tally.eventMember(hour, 'GroupSendMsgGroupNum', e.group);
      break;
    }
    case 'push': {
      const dim = vendorDim(e.vendor);
      tally.add(hour, 'PushNum', 1, dim);
      tally.add(hour, e.chat === 'c2c' ? 'C2CPushNum' : 'GroupPushNum', 1, dim);
      if (e.vendor === 'apns') {
        tally.add(hour, e.chat === 'c2c' ? 'C2CAPNSMsgNum' : 'GroupAPNSMsgNum');
      }
      break;
    }
    case 'friend.add':
      tally.add(hour, 'ChainIncrease');
      break;
    case 'friend.delete':
      tally.add(hour, 'ChainDecrease');
      break;
    case 'group.join':
      tally.add(hour, 'GroupJoinGroupTimes');
      break;
    case 'group.quit':
      tally.add(hour, 'GroupQuitGroupTimes');
      break;
    case 'callback':
      tally.add(hour, 'CallBackReq');
      if (e.answered) tally.add(hour, 'CallBackRsp');
      break;
    default:
      break;
  }
}

/**
 * What the events count through the state (presence, derived deliveries, registrations,
 * groups, memberships), added to `tally`, with `state` brought up to date. Events that need no
 * state, and clock marks, only move presence.
 */
export function reduceStateful(events: readonly StatefulInput[], state: AppState, tally: Tally, options: ReduceOptions): void {
  const { dayOf } = options;
  let presenceHour = state.presenceClock > 0 ? dayOf.hour(state.presenceClock) : '';
  const isOnline = (user: string) => (state.sessions.get(user)?.size ?? 0) > 0;
  const movers = new Set<string>();
  for (const e of events) if (e.type === 'user.login' || e.type === 'user.logout') movers.add(e.user);
  const groupPresence = new GroupPresence(state, movers);
  /** Sets this reduction made; any other set in `state` may be shared (cloneState) and is copied before it changes. */
  const own = new Set<Set<string>>();
  const changeable = (map: Map<string, Set<string>>, key: string): Set<string> => {
    let set = map.get(key);
    if (!set || !own.has(set)) {
      map.set(key, (set = new Set(set)));
      own.add(set);
    }
    return set;
  };
  /** Replaces a group's members, keeping the online counts in step. */
  const setMembers = (group: string, members: Iterable<string>) => {
    for (const m of state.members.get(group) ?? []) groupPresence.left(group, m);
    state.members.delete(group);
    const next = new Set<string>();
    for (const m of members) {
      next.add(m);
      groupPresence.joined(group, m);
    }
    own.add(next);
    if (next.size > 0) state.members.set(group, next);
  };
  /** True when another of the user's live platforms has the same breakdown value. */
  const otherOnSameValue = (platforms: Set<string>, platform: string) => {
    const value = platformValue(platform);
    for (const p of platforms) if (p !== platform && platformValue(p) === value) return true;
    return false;
  };
  const bumpPlatform = (platform: string, by: 1 | -1) => {
    const value = platformValue(platform);
    const n = (state.platformOnline.get(value) ?? 0) + by;
    if (n > 0) state.platformOnline.set(value, n);
    else state.platformOnline.delete(value);
    return n;
  };
  /**
   * Moves presence to `time`, counting the sessions carried over each hour boundary crossed (and,
   * at the first hour of a day, over midnight): they are online at the start of that bucket.
   */
  const advancePresenceTo = (hour: string, time: number) => {
    if (presenceHour === '' || hour <= presenceHour) {
      if (presenceHour === '') presenceHour = hour;
      return;
    }
    if (state.onlineUsers > 0) {
      const oldest = addDays(hour.slice(0, 8), -options.maxCarryDays);
      let previousDay = presenceHour.slice(0, 8);
      for (const h of dayOf.hoursAfter(state.presenceClock, time)) {
        const day = h.slice(0, 8);
        const scope = day !== previousDay ? 'both' : 'hour';
        previousDay = day;
        if (day < oldest) continue;
        tally.peak(h, 'MaxOnlineNum', state.onlineUsers, undefined, scope);
        for (const [value, n] of state.platformOnline) tally.peak(h, 'MaxOnlineNum', n, PLATFORM_DIM_PREFIX + value, scope);
        for (const [user, platforms] of state.sessions) {
          for (const p of platforms) tally.member(h, 'ActiveUserNum', user, platformDim(p), scope);
        }
      }
    }
    presenceHour = hour;
  };

  for (const e of events) {
    const hour = dayOf.hour(e.time);
    const live = e.time >= state.presenceClock;
    if (live) {
      advancePresenceTo(hour, e.time);
      state.presenceClock = e.time;
    }
    switch (e.type) {
      case 'user.login': {
        if (!live) break;
        const dim = platformDim(e.platform);
        const platforms = state.sessions.get(e.user);
        if (!platforms || platforms.size === 0) {
          state.onlineUsers++;
          groupPresence.userPresence(e.user, 1);
        }
        // A login on a platform already online replaces that session: still one.
        if (!platforms?.has(e.platform)) {
          if (!platforms || !otherOnSameValue(platforms, e.platform)) bumpPlatform(e.platform, 1);
          changeable(state.sessions, e.user).add(e.platform);
        }
        tally.peak(hour, 'MaxOnlineNum', state.onlineUsers);
        tally.peak(hour, 'MaxOnlineNum', state.platformOnline.get(platformValue(e.platform))!, dim);
        break;
      }
      case 'user.logout': {
        if (!live || !state.sessions.get(e.user)?.has(e.platform)) break;
        const platforms = changeable(state.sessions, e.user);
        platforms.delete(e.platform);
        if (!otherOnSameValue(platforms, e.platform)) bumpPlatform(e.platform, -1);
        if (platforms.size === 0) {
          state.onlineUsers--;
          groupPresence.userPresence(e.user, -1);
        }
        break;
      }
      case 'msg.c2c': {
        if (e.delivered !== undefined || !e.ok) break;
        const online = isOnline(e.to);
        tally.add(hour, 'C2CDownMsgNum', online ? 1 : 0);
        tally.add(hour, 'C2COfflineMsgNum', online ? 0 : 1);
        break;
      }
      case 'msg.group': {
        const members = state.members.get(e.group);
        const others = members ? members.size - (members.has(e.from) ? 1 : 0) : 0;
        const onlineOthers = groupPresence.onlineOthers(e.group, e.from);
        const delivered = e.delivered ?? onlineOthers;
        tally.add(hour, 'GroupDownMsgNum', delivered);
        tally.add(hour, 'GroupOfflineMsgNum', Math.max(0, others - (e.delivered ?? onlineOthers)));
        break;
      }
      case 'user.register':
        if (state.registered.has(e.user)) break;
        state.registered.add(e.user);
        tally.add(hour, 'RegistUserNumOneDay');
        tally.add(hour, 'RegistUserNumTotal', 1);
        tally.dayMember(hour.slice(0, 8), COHORT_SET, e.user);
        break;
      case 'user.delete':
        if (!state.registered.delete(e.user)) break;
        tally.add(hour, 'RegistUserNumTotal', -1);
        break;
      case 'group.create':
        if (state.groups.has(e.group)) break;
        state.groups.add(e.group);
        setMembers(e.group, e.members);
        tally.add(hour, 'GroupNewGroupNum');
        tally.add(hour, 'GroupAllGroupNum', 1);
        break;
      case 'group.destroy':
        if (!state.groups.delete(e.group)) break;
        setMembers(e.group, []);
        tally.add(hour, 'GroupDestroyGroupNum');
        tally.add(hour, 'GroupAllGroupNum', -1);
        break;
      case 'group.join':
        if (!state.members.get(e.group)?.has(e.user)) {
          changeable(state.members, e.group).add(e.user);
          groupPresence.joined(e.group, e.user);
        }
        break;
      case 'group.quit':
        if (state.members.get(e.group)?.has(e.user)) {
          changeable(state.members, e.group).delete(e.user);
          groupPresence.left(e.group, e.user);
        }
        break;
      default:
        // Counted by tallyStateless, or a clock mark: only the clock moved.
        break;
    }
  }
}

/** True when some live event of the batch lies in a later hour than the presence clock. */
export function crossesHour(events: readonly StatefulInput[], presenceClock: number, dayOf: DayOf): boolean {
  if (presenceClock === 0 || events.length === 0) return false;
  const last = events[events.length - 1]!;
  return last.time >= presenceClock && dayOf.hour(last.time) > dayOf.hour(presenceClock);
}
