import type { ImEvent } from '../events/event.js';
import { ActivityCurve } from './activity-curve.js';
import { SimTally } from './sim-tally.js';
import { Prng } from './prng.js';
import type { ResolvedOptions } from './simulate-options.js';
import { preRegisteredUsers } from './simulated-ids.js';
import { TimeHeap } from './time-heap.js';
import { ZoneDays } from './zone-days.js';

// A user's next action (SimState.kind).
export const K_REGISTER = 0;
export const K_LOGIN = 1;
export const K_ACT = 2;
export const K_LOGOUT = 3;
export const K_RECONNECT = 4;
export const K_DELETE = 5;

// A user's account (SimState.status).
export const S_UNREGISTERED = 0;
export const S_REGISTERED = 1;
export const S_DELETED = 2;

/**
 * Everything a simulation knows, shared by the files that act on it (users and sessions,
 * messages, friends, groups, pushes and callbacks): per-user state in typed arrays indexed by
 * user, per-group state in arrays indexed by group slot. Memory is O(users + group memberships).
 * Plain fields, no methods: the behaviour lives in the functions that take this object.
 */
export class SimState {
  readonly o: ResolvedOptions;
  readonly rng: Prng;
  readonly days: ZoneDays;
  readonly curve: ActivityCurve;
  /** One entry per user: the time of its next action. */
  readonly heap: TimeHeap;
  readonly tally: SimTally;
  readonly n: number;
  readonly baselineUsers: number;
  readonly sdkappid: number;
  readonly seed: number;
  /** User indices by decreasing session rate: contacts are skewed towards active users. */
  readonly byActivity: Int32Array;
  /** Events produced by the current step, handed out by the generator then cleared. */
  readonly out: ImEvent[] = [];

  // Per user.
  readonly ids: string[];
  readonly status: Uint8Array;
  readonly kind: Uint8Array;
  readonly deleteAt: Float64Array;
  /** Sessions per activity unit (one weekday). */
  readonly rate: Float64Array;
  /** In-session actions per ms on a mobile platform. */
  readonly actRate: Float64Array;
  readonly primary: Uint8Array;
  readonly secondary: Uint8Array;
  readonly vendor: Uint8Array;
  readonly contacts: Uint16Array;
  readonly friends: Uint16Array;
  /** Bit mask over PLATFORMS of where the user is logged in. */
  readonly online: Uint8Array;
  readonly sessionPlatform: Uint8Array;
  readonly sessionEnd: Float64Array;
  readonly lastFrom: Int32Array;
  readonly userGroups: (number[] | undefined)[];

  // Per group slot (slots are reused after a dismissal; ids never are).
  readonly gId: string[] = [];
  readonly gSerial: number[] = [];
  readonly gOwner: number[] = [];
  readonly gMembers: (number[] | null)[] = [];
  /** Members with notifications on for the group and a push channel. */
  readonly gSubs: number[][] = [];
  readonly gOnline: number[] = [];
  readonly gPos: number[] = [];
  /** Slots of live groups; gPos[slot] is a slot's index here. */
  readonly live: number[] = [];
  readonly free: number[] = [];
  /** Groups created so far: the next group's serial is serial + 1. */
  serial = 0;

  constructor(o: ResolvedOptions) {
    this.o = o;
    this.n = o.users;
    this.sdkappid = o.sdkappid;
    this.seed = o.seed;
    this.rng = new Prng(o.seed);
    this.days = new ZoneDays(o.start, o.timezone);
    this.curve = new ActivityCurve(this.days, o.weekendFactor);
    this.heap = new TimeHeap(o.users);
    this.baselineUsers = preRegisteredUsers(o);
    this.tally = new SimTally(o.users, this.days, -1, o.baseline === 'omit' ? this.baselineUsers : 0, o.onDay, o.onHour);

    const n = o.users;
    this.ids = new Array<string>(n);
    this.status = new Uint8Array(n);
    this.kind = new Uint8Array(n);
    this.deleteAt = new Float64Array(n);
    this.rate = new Float64Array(n);
    this.actRate = new Float64Array(n);
    this.primary = new Uint8Array(n);
    this.secondary = new Uint8Array(n);
    this.vendor = new Uint8Array(n);
    this.contacts = new Uint16Array(n);
    this.friends = new Uint16Array(n);
    this.online = new Uint8Array(n);
    this.sessionPlatform = new Uint8Array(n);
    this.sessionEnd = new Float64Array(n);
    this.lastFrom = new Int32Array(n).fill(-1);
    this.userGroups = new Array<number[] | undefined>(n);
    this.byActivity = new Int32Array(n);
  }
}

/** Sets user u's next action; returns its time (integer ms, not before now, a deletion first). */
export function plan(s: SimState, u: number, now: number, t: number, kind: number): number {
  t = Math.floor(t);
  if (t < now) t = now;
  const d = s.deleteAt[u]!;
  if (t >= d) {
    s.kind[u] = K_DELETE;
    return d;
  }
  s.kind[u] = kind;
  return t;
}
