import type { ImEvent } from '../events/event.js';
import { friendAdd, friendDelete } from './friends.js';
import { groupCreate, groupDestroy, groupJoin, groupQuit, initialGroup } from './groups.js';
import { message } from './messages.js';
import { NONE } from './platforms.js';
import { endSession, login, logout, nextInSession, startSession } from './sessions.js';
import { K_ACT, K_DELETE, K_LOGIN, K_LOGOUT, K_RECONNECT, K_REGISTER, plan, SimState } from './sim-state.js';
import type { ResolvedOptions } from './simulate-options.js';
import { deleteUser, initUsers, register } from './users.js';
import type { ZoneDays } from './zone-days.js';

// What an in-session action is, by cumulative probability; the rest are messages.
const T_RECONNECT = 0.008; // the link drops: logout now, login again seconds later
const T_RELOGIN = T_RECONNECT + 0.002; // a new connection replaces the live one (login, no logout)
const T_SECOND_DEVICE = T_RELOGIN + 0.02;
const T_FRIEND_ADD = T_SECOND_DEVICE + 0.004;
const T_FRIEND_DELETE = T_FRIEND_ADD + 0.0008;
const T_GROUP_CREATE = T_FRIEND_DELETE + 0.0003;
const T_GROUP_JOIN = T_GROUP_CREATE + 0.002;
const T_GROUP_QUIT = T_GROUP_JOIN + 0.001;
const T_GROUP_DESTROY = T_GROUP_QUIT + 0.0003;

/**
 * The simulation engine: one heap entry per user holding its next action, events produced in
 * time order. The state is a SimState; users and sessions, messages, friends, groups, pushes and
 * callbacks each live in their own file. Memory is O(users + group memberships); nothing is kept
 * per day or per event.
 */
export class Simulator {
  readonly #s: SimState;

  constructor(options: ResolvedOptions) {
    this.#s = new SimState(options);
    initUsers(this.#s);
  }

  /** Day bounds of this simulation (day 0 = start, day −1 = the warm-up day). */
  get days(): ZoneDays {
    return this.#s.days;
  }

  /** All events, in time order. */
  *events(): Generator<ImEvent, void, undefined> {
    const s = this.#s;
    const o = s.o;
    const days = s.days;
    const out = s.out;
    const heap = s.heap;
    const tally = s.tally;

    // Warm-up day: the world as it was before the start.
    const m = days.midnight(-1);
    const len = days.midnight(0) - m;
    const b = s.baselineUsers;
    if (o.baseline === 'events') {
      for (let u = 0; u < b; u++) {
        const t = m + Math.floor((u * len * 0.25) / b);
        tally.advance(t, s.online);
        register(s, u, t);
        yield out[0]!;
        out.length = 0;
      }
    }
    const initialGroups = Math.round(b * o.groupsPerUser);
    for (let i = 0; i < initialGroups; i++) {
      const t = m + Math.floor(len * 0.25 + (i * len * 0.1) / initialGroups);
      tally.advance(t, s.online);
      initialGroup(s, t);
      yield out[0]!;
      out.length = 0;
    }

    const endMs = days.midnight(o.days);
    while (heap.size > 0) {
      const t = heap.topTime();
      if (t >= endMs) break;
      tally.advance(t, s.online);
      const u = heap.topId();
      const next = step(s, u, t);
      if (next < 0) heap.pop();
      else heap.replaceTop(next);
      for (let i = 0; i < out.length; i++) yield out[i]!;
      out.length = 0;
    }
    tally.advanceDays(o.days - 1, s.online);
    tally.finish();
  }
}

/** Runs user u's planned action; returns the time of its next one, or −1 when u is gone. */
function step(s: SimState, u: number, now: number): number {
  switch (s.kind[u]) {
    case K_ACT:
      return act(s, u, now);
    case K_LOGIN:
      return startSession(s, u, now);
    case K_LOGOUT:
      return endSession(s, u, now);
    case K_RECONNECT:
      login(s, u, s.sessionPlatform[u]!, now);
      return nextInSession(s, u, now);
    case K_REGISTER:
      register(s, u, now);
      // People register in the app and are logged in right after.
      return plan(s, u, now, now + 20_000 + s.rng.int(160_000), K_LOGIN);
    case K_DELETE:
      deleteUser(s, u, now);
      return -1;
    default:
      throw new Error(`unknown action kind ${s.kind[u]}`);
  }
}

/** One in-session action of u, drawn from the mix above; returns the time of the next one. */
function act(s: SimState, u: number, now: number): number {
  const r = s.rng.next();
  if (r >= T_GROUP_DESTROY) {
    message(s, u, now);
  } else if (r < T_RECONNECT) {
    logout(s, u, s.sessionPlatform[u]!, now);
    return plan(s, u, now, now + 1000 + s.rng.int(29_000), K_RECONNECT);
  } else if (r < T_RELOGIN) {
    login(s, u, s.sessionPlatform[u]!, now);
  } else if (r < T_SECOND_DEVICE) {
    const sec = s.secondary[u]!;
    if (sec !== NONE && (s.online[u]! & (1 << sec)) === 0) login(s, u, sec, now);
    else message(s, u, now);
  } else if (r < T_FRIEND_ADD) {
    if (!friendAdd(s, u, now)) message(s, u, now);
  } else if (r < T_FRIEND_DELETE) {
    if (!friendDelete(s, u, now)) message(s, u, now);
  } else if (r < T_GROUP_CREATE) {
    groupCreate(s, u, now);
  } else if (r < T_GROUP_JOIN) {
    if (!groupJoin(s, u, now)) message(s, u, now);
  } else if (r < T_GROUP_QUIT) {
    if (!groupQuit(s, u, now)) message(s, u, now);
  } else if (!groupDestroy(s, u, now)) {
    message(s, u, now);
  }
  return nextInSession(s, u, now);
}
