import type { ImEvent } from '../events/event.js';
import { addDays } from '../time/calendar-day.js';
import type { DayOf } from '../time/day-of.js';
import type { AppState } from './app-state.js';
import { GroupPresence } from './group-presence.js';
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
 */
export function reduceAppBatch(events: readonly ImEvent[], state: AppState, options: ReduceOptions): Tally {
  const tally = new Tally();
  const { dayOf } = options;
  let presenceDay = state.presenceClock > 0 ? dayOf.day(state.presenceClock) : '';

  const isOnline = (user: string) => (state.sessions.get(user)?.size ?? 0) > 0;
  const groupPresence = new GroupPresence(state);
  /** Replaces a group's members, keeping the online counts in step. */
  const setMembers = (group: string, members: Iterable<string>) => {
    for (const m of state.members.get(group) ?? []) groupPresence.left(group, m);
    state.members.delete(group);
    const next = new Set<string>();
    for (const m of members) {
      next.add(m);
      groupPresence.joined(group, m);
    }
    if (next.size > 0) state.members.set(group, next);
  };

  /** Moves presence into `day`, counting the sessions carried over each midnight crossed. */
  const advancePresenceTo = (day: string) => {
    if (presenceDay === '' || day <= presenceDay) {
      if (presenceDay === '') presenceDay = day;
      return;
    }
    const oldest = addDays(day, -options.maxCarryDays);
    for (let d = addDays(presenceDay, 1); d <= day; d = addDays(d, 1)) {
      if (d < oldest || state.onlineUsers === 0) continue;
      tally.peak(d, 'MaxOnlineNum', state.onlineUsers);
      for (const [user, platforms] of state.sessions) if (platforms.size > 0) tally.member(d, 'ActiveUserNum', user);
    }
    presenceDay = day;
  };

  for (const e of events) {
    const day = dayOf.day(e.time);
    const live = e.time >= state.presenceClock;
    if (live) {
      advancePresenceTo(day);
      state.presenceClock = e.time;
    }
    switch (e.type) {
      case 'user.login': {
        tally.add(day, 'LoginTimes');
        tally.member(day, 'LoginUserNum', e.user);
        tally.member(day, 'ActiveUserNum', e.user);
        if (!live) break;
        let platforms = state.sessions.get(e.user);
        if (!platforms) state.sessions.set(e.user, (platforms = new Set()));
        if (platforms.size === 0) {
          state.onlineUsers++;
          platforms.add(e.platform);
          groupPresence.userPresence(e.user, 1);
        }
        // A login on a platform already online replaces that session: still one.
        platforms.add(e.platform);
        tally.peak(day, 'MaxOnlineNum', state.onlineUsers);
        break;
      }
      case 'user.logout': {
        const platforms = state.sessions.get(e.user);
        if (!live || !platforms?.has(e.platform)) break;
        platforms.delete(e.platform);
        if (platforms.size === 0) {
          state.onlineUsers--;
          groupPresence.userPresence(e.user, -1);
        }
        break;
      }
      case 'msg.c2c': {
        const delivered = e.delivered ?? (e.ok && isOnline(e.to) ? 1 : 0);
        tally.add(day, 'C2CUpMsgNum');
        tally.add(day, 'UpMsgNum');
        tally.add(day, 'C2CDownMsgNum', delivered);
        tally.add(day, 'DownMsgNum', delivered);
        tally.member(day, 'C2CSendMsgUserNum', e.from);
        tally.member(day, 'SendMsgUserNum', e.from);
        tally.member(day, 'ActiveUserNum', e.from);
        break;
      }
      case 'msg.group': {
        const delivered = e.delivered ?? groupPresence.onlineOthers(e.group, e.from);
        tally.add(day, 'GroupUpMsgNum');
        tally.add(day, 'UpMsgNum');
        tally.add(day, 'GroupDownMsgNum', delivered);
        tally.add(day, 'DownMsgNum', delivered);
        tally.member(day, 'GroupSendMsgUserNum', e.from);
        tally.member(day, 'SendMsgUserNum', e.from);
        tally.member(day, 'ActiveUserNum', e.from);
        tally.member(day, 'GroupSendMsgGroupNum', e.group);
        break;
      }
      case 'push':
        if (e.vendor === 'apns') {
          tally.add(day, e.chat === 'c2c' ? 'C2CAPNSMsgNum' : 'GroupAPNSMsgNum');
          tally.add(day, 'APNSMsgNum');
        }
        break;
      case 'friend.add':
        tally.add(day, 'ChainIncrease');
        break;
      case 'friend.delete':
        tally.add(day, 'ChainDecrease');
        break;
      case 'user.register':
        if (state.registered.has(e.user)) break;
        state.registered.add(e.user);
        tally.add(day, 'RegistUserNumOneDay');
        tally.add(day, 'RegistUserNumTotal', 1);
        break;
      case 'user.delete':
        if (!state.registered.delete(e.user)) break;
        tally.add(day, 'RegistUserNumTotal', -1);
        break;
      case 'group.create':
        if (state.groups.has(e.group)) break;
        state.groups.add(e.group);
        setMembers(e.group, e.members);
        tally.add(day, 'GroupNewGroupNum');
        tally.add(day, 'GroupAllGroupNum', 1);
        break;
      case 'group.destroy':
        if (!state.groups.delete(e.group)) break;
        setMembers(e.group, []);
        tally.add(day, 'GroupDestroyGroupNum');
        tally.add(day, 'GroupAllGroupNum', -1);
        break;
      case 'group.join': {
        tally.add(day, 'GroupJoinGroupTimes');
        let members = state.members.get(e.group);
        if (!members) state.members.set(e.group, (members = new Set()));
        if (!members.has(e.user)) {
          members.add(e.user);
          groupPresence.joined(e.group, e.user);
        }
        break;
      }
      case 'group.quit':
        tally.add(day, 'GroupQuitGroupTimes');
        if (state.members.get(e.group)?.delete(e.user)) groupPresence.left(e.group, e.user);
        break;
      case 'callback':
        tally.add(day, 'CallBackReq');
        if (e.answered) tally.add(day, 'CallBackRsp');
        break;
    }
  }
  return tally;
}

/** True when some live event of the batch lies in a later day than the presence clock. */
export function crossesMidnight(events: readonly ImEvent[], presenceClock: number, dayOf: DayOf): boolean {
  if (presenceClock === 0 || events.length === 0) return false;
  const last = events[events.length - 1]!;
  return last.time >= presenceClock && dayOf.day(last.time) > dayOf.day(presenceClock);
}
