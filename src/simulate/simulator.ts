import type { ImEvent } from '../events/event.js';
import { ActivityCurve } from './activity-curve.js';
import { DayTally } from './day-tally.js';
import { cumulate, hash3, Prng } from './prng.js';
import type { ResolvedOptions } from './simulate-options.js';
import { TimeHeap } from './time-heap.js';
import { ZoneDays } from './zone-days.js';

// Platforms as Tencent's OptPlatform names them; a user's presence is a bit mask over them.
export const PLATFORMS = ['iOS', 'Android', 'Web', 'Windows', 'Mac', 'iPad'] as const;
const IOS = 0;
const IPAD = 5;
const MOBILE = [true, true, false, false, false, true];
const PRIMARY_CUM = cumulate([0.38, 0.5, 0.05, 0.05, 0.02, 0]);
const SECONDARY_SHARE = 0.35;
const SECOND_FOR_MOBILE_CUM = cumulate([0, 0, 0.2, 0.45, 0.2, 0.15]);
const SECOND_FOR_DESKTOP_CUM = cumulate([0.45, 0.55, 0, 0, 0, 0]);
/** Share of sessions opened on the secondary platform instead of the primary one. */
const SECONDARY_SESSION_SHARE = 0.25;

// Offline-push vendors: APNs for Apple devices, the phone makers' channels (China-heavy, like the
// default zone) or FCM for Android; some users turn notifications off.
export const VENDORS = ['apns', 'fcm', 'huawei', 'xiaomi', 'oppo', 'vivo'] as const;
const ANDROID_VENDOR_CUM = cumulate([0, 0.18, 0.3, 0.25, 0.15, 0.12]);
const PUSH_OPT_OUT_SHARE = 0.15;
const NONE = 255;

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

const REPLY_SHARE = 0.5;
const MUTUAL_FRIEND_SHARE = 0.75;
const FRIEND_DELETE_BOTH_SHARE = 0.5;
const CALLBACK_RETRY_SHARE = 0.5;
/** Tail index of per-user session rates (Pareto; < 2: a few users account for much of the traffic). */
const SESSION_RATE_ALPHA = 1.1;
const SESSION_RATE_CAP = 200;
/** Group sizes are Zipf-like (Pareto with tail index 1), minimum 3. */
const GROUP_SIZE_ALPHA = 1;
const MINUTE = 60_000;
const MAX_SESSION_MS = 20 * 3_600_000;
/**
 * Share of one-to-one offline pushes that bring the recipient back into the app soon (replies,
 * conversations). Kept small: each woken session sends messages that push others, and the
 * branching factor must stay well below 1.
 */
const PUSH_WAKE_SHARE = 0.01;
const PUSH_WAKE_MEAN_MS = 3 * 60_000;

const K_REGISTER = 0;
const K_LOGIN = 1;
const K_ACT = 2;
const K_LOGOUT = 3;
const K_RECONNECT = 4;
const K_DELETE = 5;

const S_UNREGISTERED = 0;
const S_REGISTERED = 1;
const S_DELETED = 2;

/** The user id of user index i (user indices follow registration order). */
export function simulatedUserId(i: number): string {
  return `u_${i + 1}`;
}

/** A Tencent-looking group id, unique per serial (a bijective mix of it). */
export function simulatedGroupId(serial: number): string {
  return `@TGS#2${(Math.imul(serial, 0x9e3779b1) >>> 0).toString(36).toUpperCase().padStart(7, '0')}`;
}

/** Users registered before the first simulated day. */
export function preRegisteredUsers(o: ResolvedOptions): number {
  return Math.round(o.users * o.preRegisteredShare);
}

/**
 * The simulation engine: per-user state in typed arrays, one heap entry per user holding its
 * next action, events produced in time order. Memory is O(users + group memberships); nothing
 * is kept per day or per event.
 */
export class Simulator {
  readonly #o: ResolvedOptions;
  readonly #rng: Prng;
  readonly #days: ZoneDays;
  readonly #curve: ActivityCurve;
  readonly #heap: TimeHeap;
  readonly #tally: DayTally;
  readonly #n: number;
  readonly #baselineUsers: number;
  readonly #sdkappid: number;
  readonly #seed: number;
  /** User indices by decreasing session rate: contacts are skewed towards active users. */
  readonly #byActivity: Int32Array;

  // Per user.
  readonly #ids: string[];
  readonly #status: Uint8Array;
  readonly #kind: Uint8Array;
  readonly #deleteAt: Float64Array;
  /** Sessions per activity unit (one weekday). */
  readonly #rate: Float64Array;
  /** In-session actions per ms on a mobile platform. */
  readonly #actRate: Float64Array;
  readonly #primary: Uint8Array;
  readonly #secondary: Uint8Array;
  readonly #vendor: Uint8Array;
  readonly #contacts: Uint16Array;
  readonly #friends: Uint16Array;
  readonly #online: Uint8Array;
  readonly #sessionPlatform: Uint8Array;
  readonly #sessionEnd: Float64Array;
  readonly #lastFrom: Int32Array;
  readonly #userGroups: (number[] | undefined)[];

  // Per group slot (slots are reused after a dismissal; ids never are).
  readonly #gId: string[] = [];
  readonly #gSerial: number[] = [];
  readonly #gOwner: number[] = [];
  readonly #gMembers: (number[] | null)[] = [];
  /** Members with notifications on for the group and a push channel. */
  readonly #gSubs: number[][] = [];
  readonly #gOnline: number[] = [];
  readonly #gStamp: number[] = [];
  readonly #gPos: number[] = [];
  readonly #live: number[] = [];
  readonly #free: number[] = [];
  #serial = 0;

  #out: ImEvent[] = [];

  constructor(options: ResolvedOptions) {
    const o = options;
    this.#o = o;
    this.#n = o.users;
    this.#sdkappid = o.sdkappid;
    this.#seed = o.seed;
    this.#rng = new Prng(o.seed);
    this.#days = new ZoneDays(o.start, o.timezone);
    this.#curve = new ActivityCurve(this.#days, o.weekendFactor);
    this.#heap = new TimeHeap(o.users);
    this.#baselineUsers = preRegisteredUsers(o);
    this.#tally = new DayTally(o.users, this.#days, -1, o.baseline === 'omit' ? this.#baselineUsers : 0, o.onDay);

    const n = o.users;
    this.#ids = new Array<string>(n);
    this.#status = new Uint8Array(n);
    this.#kind = new Uint8Array(n);
    this.#deleteAt = new Float64Array(n);
    this.#rate = new Float64Array(n);
    this.#actRate = new Float64Array(n);
    this.#primary = new Uint8Array(n);
    this.#secondary = new Uint8Array(n);
    this.#vendor = new Uint8Array(n);
    this.#contacts = new Uint16Array(n);
    this.#friends = new Uint16Array(n);
    this.#online = new Uint8Array(n);
    this.#sessionPlatform = new Uint8Array(n);
    this.#sessionEnd = new Float64Array(n);
    this.#lastFrom = new Int32Array(n).fill(-1);
    this.#userGroups = new Array<number[] | undefined>(n);
    this.#byActivity = new Int32Array(n);
    this.#initUsers();
  }

  /** Day bounds of this simulation (day 0 = start, day −1 = the warm-up day). */
  get days(): ZoneDays {
    return this.#days;
  }

  #initUsers(): void {
    const o = this.#o;
    const rng = this.#rng;
    const n = this.#n;
    const b = this.#baselineUsers;
    const curve = this.#curve;
    const days = this.#days;
    const startMs = days.midnight(0);
    const endMs = days.midnight(o.days);
    const lStart = curve.at(startMs);
    const lEnd = curve.at(endMs);

    // Session rates: heavy-tailed, then scaled so their mean is the knob.
    let sum = 0;
    for (let u = 0; u < n; u++) {
      const r = Math.min(SESSION_RATE_CAP, rng.pareto(SESSION_RATE_ALPHA));
      this.#rate[u] = r;
      sum += r;
    }
    const scale = (o.sessionsPerUserDay * n) / sum;
    const medianRaw = Math.pow(2, 1 / SESSION_RATE_ALPHA);
    for (let u = 0; u < n; u++) {
      const raw = this.#rate[u];
      this.#rate[u] = raw * scale;
      // Busier users also act faster in a session, but much less than proportionally.
      this.#actRate[u] = (o.actionsPerMinute * rng.logNormal(1, 0.6) * Math.pow(raw / medianRaw, 0.25)) / MINUTE;
      this.#ids[u] = simulatedUserId(u);
      const p = rng.pick(PRIMARY_CUM);
      this.#primary[u] = p;
      this.#secondary[u] = rng.chance(SECONDARY_SHARE) ? rng.pick(MOBILE[p] ? SECOND_FOR_MOBILE_CUM : SECOND_FOR_DESKTOP_CUM) : NONE;
      const device = MOBILE[p] ? p : this.#secondary[u] !== NONE && MOBILE[this.#secondary[u]] ? this.#secondary[u] : NONE;
      let vendor = NONE;
      if (device !== NONE && !rng.chance(PUSH_OPT_OUT_SHARE)) vendor = device === IOS || device === IPAD ? 0 : rng.pick(ANDROID_VENDOR_CUM);
      this.#vendor[u] = vendor;
      this.#contacts[u] = Math.min(500, 5 + Math.floor(15 * rng.logNormal(1, 0.7)));
      this.#deleteAt[u] = Infinity;
    }

    const rates = this.#rate;
    for (let u = 0; u < n; u++) this.#byActivity[u] = u;
    this.#byActivity.sort((x, y) => rates[y] - rates[x] || x - y);

    // Later users register over the period, following the activity curve, in id order.
    const later = new Float64Array(n - b);
    for (let i = 0; i < later.length; i++) later[i] = lStart + rng.next() * (lEnd - lStart);
    later.sort();

    for (let u = 0; u < n; u++) {
      if (!rng.chance(o.deletedShare)) continue;
      // Deleted at least one activity-day after registering, within the period.
      const from = u < b ? lStart : later[u - b] + 1;
      if (from < lEnd) this.#deleteAt[u] = Math.floor(curve.inverse(from + rng.next() * (lEnd - from)));
    }

    if (o.baseline === 'omit') this.#status.fill(S_REGISTERED, 0, b);
    const warmStart = this.#warmStart();
    const lWarm = curve.at(warmStart);
    for (let u = 0; u < n; u++) {
      if (u < b) {
        const t = this.#plan(u, warmStart, curve.inverse(lWarm + rng.exp(1) / this.#rate[u]), K_LOGIN);
        this.#heap.push(t, u);
      } else {
        const t = this.#plan(u, startMs, curve.inverse(later[u - b]), K_REGISTER);
        this.#heap.push(t, u);
      }
    }
  }

  /** Sessions of pre-registered users start at noon of the warm-up day, so presence is warm by day 0. */
  #warmStart(): number {
    const m = this.#days.midnight(-1);
    return m + Math.floor((this.#days.midnight(0) - m) / 2);
  }

  /** Sets user u's next action; returns its time (integer ms, not before now, a deletion first). */
  #plan(u: number, now: number, t: number, kind: number): number {
    t = Math.floor(t);
    if (t < now) t = now;
    const d = this.#deleteAt[u];
    if (t >= d) {
      this.#kind[u] = K_DELETE;
      return d;
    }
    this.#kind[u] = kind;
    return t;
  }

  /** All events, in time order. */
  *events(): Generator<ImEvent, void, undefined> {
    const o = this.#o;
    const days = this.#days;
    const out = this.#out;
    const heap = this.#heap;
    const tally = this.#tally;

    // Warm-up day: the world as it was before the start.
    const m = days.midnight(-1);
    const len = days.midnight(0) - m;
    const b = this.#baselineUsers;
    if (o.baseline === 'events') {
      for (let u = 0; u < b; u++) {
        this.#register(u, m + Math.floor((u * len * 0.25) / b));
        yield out[0];
        out.length = 0;
      }
    }
    const initialGroups = Math.round(b * o.groupsPerUser);
    for (let i = 0; i < initialGroups; i++) {
      this.#initialGroup(m + Math.floor(len * 0.25 + (i * len * 0.1) / initialGroups));
      yield out[0];
      out.length = 0;
    }

    const endMs = days.midnight(o.days);
    let day = -1;
    let nextMidnight = days.midnight(0);
    while (heap.size > 0) {
      const t = heap.topTime();
      if (t >= endMs) break;
      if (t >= nextMidnight) {
        day = days.indexOf(t);
        tally.advanceTo(day, this.#online);
        nextMidnight = days.midnight(day + 1);
      }
      const u = heap.topId();
      const next = this.#step(u, t);
      if (next < 0) heap.pop();
      else heap.replaceTop(next);
      for (let i = 0; i < out.length; i++) yield out[i];
      out.length = 0;
    }
    tally.advanceTo(o.days - 1, this.#online);
    tally.finish();
  }

  #step(u: number, now: number): number {
    switch (this.#kind[u]) {
      case K_ACT:
        return this.#act(u, now);
      case K_LOGIN:
        return this.#startSession(u, now);
      case K_LOGOUT:
        return this.#endSession(u, now);
      case K_RECONNECT:
        this.#login(u, this.#sessionPlatform[u], now);
        return this.#nextInSession(u, now);
      case K_REGISTER:
        this.#register(u, now);
        // People register in the app and are logged in right after.
        return this.#plan(u, now, now + 20_000 + this.#rng.int(160_000), K_LOGIN);
      case K_DELETE:
        this.#deleteUser(u, now);
        return -1;
      default:
        throw new Error(`unknown action kind ${this.#kind[u]}`);
    }
  }

  // ---- presence ----

  #register(u: number, t: number): void {
    this.#status[u] = S_REGISTERED;
    this.#out.push({ type: 'user.register', time: t, sdkappid: this.#sdkappid, user: this.#ids[u] });
    this.#tally.register();
  }

  #deleteUser(u: number, t: number): void {
    this.#logoutAll(u, t);
    this.#status[u] = S_DELETED;
    this.#out.push({ type: 'user.delete', time: t, sdkappid: this.#sdkappid, user: this.#ids[u] });
    this.#tally.deleteUser();
  }

  #login(u: number, p: number, t: number): void {
    const was = this.#online[u];
    this.#online[u] = was | (1 << p);
    this.#out.push({ type: 'user.login', time: t, sdkappid: this.#sdkappid, user: this.#ids[u], platform: PLATFORMS[p] });
    this.#tally.login(u);
    if (was === 0) {
      this.#tally.online();
      const gs = this.#userGroups[u];
      if (gs !== undefined) for (let i = 0; i < gs.length; i++) this.#gOnline[gs[i]]++;
    }
  }

  #logout(u: number, p: number, t: number): void {
    const was = this.#online[u];
    const bit = 1 << p;
    if ((was & bit) === 0) return;
    this.#online[u] = was & ~bit;
    this.#out.push({ type: 'user.logout', time: t, sdkappid: this.#sdkappid, user: this.#ids[u], platform: PLATFORMS[p] });
    if (was === bit) {
      this.#tally.offline();
      const gs = this.#userGroups[u];
      if (gs !== undefined) for (let i = 0; i < gs.length; i++) this.#gOnline[gs[i]]--;
    }
  }

  #logoutAll(u: number, t: number): void {
    for (let p = 0; p < PLATFORMS.length && this.#online[u] !== 0; p++) this.#logout(u, p, t);
  }

  #startSession(u: number, now: number): number {
    const rng = this.#rng;
    const s = this.#secondary[u];
    const p = s !== NONE && rng.chance(SECONDARY_SESSION_SHARE) ? s : this.#primary[u];
    this.#login(u, p, now);
    this.#callback('State.StateChange', now);
    this.#sessionPlatform[u] = p;
    // Log-normal lengths: phones in short bursts, desktops left open for hours (some overnight).
    const median = (MOBILE[p] ? 8 : 60) * MINUTE * this.#o.sessionLengthFactor;
    this.#sessionEnd[u] = now + Math.min(MAX_SESSION_MS, rng.logNormal(median, 1.1));
    return this.#nextInSession(u, now);
  }

  #nextInSession(u: number, now: number): number {
    const rng = this.#rng;
    const rate = this.#actRate[u] * (MOBILE[this.#sessionPlatform[u]] ? 1 : 0.25);
    const t = now + 200 + rng.exp(1 / rate);
    const end = this.#sessionEnd[u];
    if (t < end) return this.#plan(u, now, t, K_ACT);
    // A time-out ends the session minutes after the last sign of life, with no goodbye.
    const logoutAt = rng.chance(this.#o.timeoutLogoutShare) ? end + MINUTE + rng.int(4 * MINUTE) : end;
    return this.#plan(u, now, logoutAt, K_LOGOUT);
  }

  #endSession(u: number, now: number): number {
    this.#logoutAll(u, now);
    this.#callback('State.StateChange', now);
    const next = this.#curve.inverse(this.#curve.at(now) + this.#rng.exp(1) / this.#rate[u]);
    return this.#plan(u, now, Math.max(next, now + 10_000), K_LOGIN);
  }

  // ---- in-session actions ----

  #act(u: number, now: number): number {
    const r = this.#rng.next();
    if (r >= T_GROUP_DESTROY) {
      this.#message(u, now);
    } else if (r < T_RECONNECT) {
      this.#logout(u, this.#sessionPlatform[u], now);
      return this.#plan(u, now, now + 1000 + this.#rng.int(29_000), K_RECONNECT);
    } else if (r < T_RELOGIN) {
      this.#login(u, this.#sessionPlatform[u], now);
    } else if (r < T_SECOND_DEVICE) {
      const s = this.#secondary[u];
      if (s !== NONE && (this.#online[u] & (1 << s)) === 0) this.#login(u, s, now);
      else this.#message(u, now);
    } else if (r < T_FRIEND_ADD) {
      if (!this.#friendAdd(u, now)) this.#message(u, now);
    } else if (r < T_FRIEND_DELETE) {
      if (!this.#friendDelete(u, now)) this.#message(u, now);
    } else if (r < T_GROUP_CREATE) {
      this.#groupCreate(u, now);
    } else if (r < T_GROUP_JOIN) {
      if (!this.#groupJoin(u, now)) this.#message(u, now);
    } else if (r < T_GROUP_QUIT) {
      if (!this.#groupQuit(u, now)) this.#message(u, now);
    } else if (!this.#groupDestroy(u, now)) {
      this.#message(u, now);
    }
    return this.#nextInSession(u, now);
  }

  #message(u: number, now: number): void {
    const gs = this.#userGroups[u];
    if (gs !== undefined && gs.length > 0 && this.#rng.chance(this.#o.groupMessageShare)) {
      this.#groupMessage(u, gs[this.#rng.int(gs.length)], now);
    } else {
      this.#c2c(u, now);
    }
  }

  /**
   * Contact k of user u: a stateless pick skewed towards active users (people talk to people who
   * use the app), the same every time it is asked, so friend lists need no storage.
   */
  #contact(u: number, k: number): number {
    const x = hash3(this.#seed, u, k) / 4294967296;
    const v = this.#byActivity[Math.floor(x * x * this.#n)];
    return v === u ? this.#byActivity[(Math.floor(x * x * this.#n) + 1) % this.#n] : v;
  }

  #recipient(u: number): number {
    const rng = this.#rng;
    const last = this.#lastFrom[u];
    if (last >= 0 && this.#status[last] === S_REGISTERED && rng.chance(REPLY_SHARE)) {
      this.#lastFrom[u] = -1;
      return last;
    }
    const k = this.#contacts[u];
    for (let i = 0; i < 3; i++) {
      const x = rng.next();
      const v = this.#contact(u, Math.floor(x * x * k));
      if (v !== u && this.#status[v] === S_REGISTERED) return v;
    }
    return -1;
  }

  #c2c(u: number, now: number): void {
    const v = this.#recipient(u);
    if (v < 0) return;
    const rng = this.#rng;
    const o = this.#o;
    const ok = !rng.chance(o.c2cFailureShare);
    const online = this.#online[v] !== 0;
    const delivered = ok && online ? 1 : 0;
    this.#out.push({
      type: 'msg.c2c',
      time: now,
      sdkappid: this.#sdkappid,
      from: this.#ids[u],
      to: this.#ids[v],
      delivered: rng.chance(o.explicitDeliveredShare) ? delivered : undefined,
      ok,
    });
    this.#tally.c2c(u, delivered);
    if (online) this.#lastFrom[v] = u;
    else if (ok && this.#vendor[v] !== NONE) this.#push(v, 'c2c', now);
    this.#callback('C2C.CallbackAfterSendMsg', now);
  }

  #groupMessage(u: number, g: number, now: number): void {
    const rng = this.#rng;
    const others = this.#gOnline[g] - (this.#online[u] !== 0 ? 1 : 0);
    this.#out.push({
      type: 'msg.group',
      time: now,
      sdkappid: this.#sdkappid,
      from: this.#ids[u],
      group: this.#gId[g],
      delivered: rng.chance(this.#o.explicitDeliveredShare) ? others : undefined,
    });
    const stamp = this.#tally.stamp;
    const first = this.#gStamp[g] !== stamp;
    this.#gStamp[g] = stamp;
    this.#tally.groupMessage(u, others, first);
    if (this.#gMembers[g]!.length <= this.#o.pushGroupMaxSize) {
      const subs = this.#gSubs[g];
      for (let i = 0; i < subs.length; i++) {
        const v = subs[i];
        if (v !== u && this.#online[v] === 0 && this.#status[v] === S_REGISTERED) this.#push(v, 'group', now);
      }
    }
    this.#callback('Group.CallbackAfterSendMsg', now);
  }

  #push(v: number, chat: 'c2c' | 'group', now: number): void {
    const vendor = this.#vendor[v];
    this.#out.push({ type: 'push', time: now, sdkappid: this.#sdkappid, chat, vendor: VENDORS[vendor], to: this.#ids[v] });
    if (vendor === 0) this.#tally.apnsPush(chat);
    // Some notifications are opened: the recipient comes online soon, earlier than planned.
    if (chat === 'c2c' && this.#kind[v] === K_LOGIN && this.#rng.chance(PUSH_WAKE_SHARE)) {
      const planned = this.#heap.timeOf(v);
      const t = Math.floor(now + 5000 + this.#rng.exp(PUSH_WAKE_MEAN_MS));
      if (t < planned && t < this.#deleteAt[v]) this.#heap.decrease(v, t);
    }
  }

  #callback(command: string, now: number): void {
    const rng = this.#rng;
    const o = this.#o;
    if (!rng.chance(o.callbackShare)) return;
    let answered = !rng.chance(o.callbackFailureShare);
    this.#out.push({ type: 'callback', time: now, sdkappid: this.#sdkappid, command, answered });
    this.#tally.callback(answered);
    if (!answered && rng.chance(CALLBACK_RETRY_SHARE)) {
      answered = !rng.chance(o.callbackFailureShare);
      this.#out.push({ type: 'callback', time: now, sdkappid: this.#sdkappid, command, answered });
      this.#tally.callback(answered);
    }
  }

  #friendAdd(u: number, now: number): boolean {
    const k = this.#friends[u];
    if (k === 0xffff) return false;
    this.#friends[u] = k + 1;
    const p = this.#contact(u, k);
    if (p === u || this.#status[p] !== S_REGISTERED) return false;
    const t = { time: now, sdkappid: this.#sdkappid };
    this.#out.push({ type: 'friend.add', ...t, user: this.#ids[u], peer: this.#ids[p] });
    let n = 1;
    if (this.#rng.chance(MUTUAL_FRIEND_SHARE)) {
      this.#out.push({ type: 'friend.add', ...t, user: this.#ids[p], peer: this.#ids[u] });
      n++;
    }
    this.#tally.friendsAdded(n);
    this.#callback('Sns.CallbackFriendAdd', now);
    return true;
  }

  #friendDelete(u: number, now: number): boolean {
    const k = this.#friends[u];
    if (k === 0) return false;
    this.#friends[u] = k - 1;
    const p = this.#contact(u, k - 1);
    if (p === u) return false;
    const t = { time: now, sdkappid: this.#sdkappid };
    this.#out.push({ type: 'friend.delete', ...t, user: this.#ids[u], peer: this.#ids[p] });
    let n = 1;
    if (this.#rng.chance(FRIEND_DELETE_BOTH_SHARE)) {
      this.#out.push({ type: 'friend.delete', ...t, user: this.#ids[p], peer: this.#ids[u] });
      n++;
    }
    this.#tally.friendsDeleted(n);
    return true;
  }

  // ---- groups ----

  #subscribed(v: number, serial: number): boolean {
    return this.#vendor[v] !== NONE && hash3(this.#seed ^ 0x5bd1e995, v, serial) / 4294967296 < this.#o.groupPushShare;
  }

  #createGroup(owner: number, members: number[], t: number): void {
    const slot = this.#free.length > 0 ? this.#free.pop()! : this.#gMembers.length;
    const serial = ++this.#serial;
    this.#gId[slot] = simulatedGroupId(serial);
    this.#gSerial[slot] = serial;
    this.#gOwner[slot] = owner;
    this.#gMembers[slot] = members;
    const subs: number[] = [];
    let online = 0;
    for (const m of members) {
      if (this.#subscribed(m, serial)) subs.push(m);
      if (this.#online[m] !== 0) online++;
      const gs = this.#userGroups[m];
      if (gs === undefined) this.#userGroups[m] = [slot];
      else gs.push(slot);
    }
    this.#gSubs[slot] = subs;
    this.#gOnline[slot] = online;
    this.#gStamp[slot] = 0;
    this.#gPos[slot] = this.#live.length;
    this.#live.push(slot);
    const ids = this.#ids;
    this.#out.push({
      type: 'group.create',
      time: t,
      sdkappid: this.#sdkappid,
      group: this.#gId[slot],
      owner: ids[owner],
      members: members.map((m) => ids[m]),
    });
    this.#tally.groupCreated();
  }

  #initialGroup(t: number): void {
    const rng = this.#rng;
    const b = this.#baselineUsers;
    const owner = rng.int(b);
    const size = Math.min(this.#o.maxGroupSize, b, Math.floor(3 * rng.pareto(GROUP_SIZE_ALPHA)));
    const members = [owner];
    const seen = new Set(members);
    const k = 2 * this.#contacts[owner];
    // Friends first, then strangers: big groups are mostly people who do not know the owner.
    for (let i = 0; members.length < size && i < 4 * size + k; i++) {
      const c = i < k ? this.#contact(owner, i) : rng.int(b);
      if (c < b && !seen.has(c)) {
        seen.add(c);
        members.push(c);
      }
    }
    this.#createGroup(owner, members, t);
  }

  #groupCreate(u: number, now: number): void {
    const rng = this.#rng;
    const size = Math.min(this.#o.maxGroupSize, 2 + Math.floor(2 * rng.pareto(1.5)), 50);
    const members = [u];
    const k = 2 * this.#contacts[u];
    for (let i = 0; members.length < size && i < 3 * size; i++) {
      const c = this.#contact(u, rng.int(k));
      if (this.#status[c] === S_REGISTERED && !members.includes(c)) members.push(c);
    }
    this.#createGroup(u, members, now);
    this.#callback('Group.CallbackAfterCreateGroup', now);
  }

  #groupJoin(u: number, now: number): boolean {
    const live = this.#live;
    if (live.length === 0) return false;
    // Two random groups, the bigger one wins: joins favour big groups, as in real apps.
    const a = live[this.#rng.int(live.length)];
    const b = live[this.#rng.int(live.length)];
    const g = this.#gMembers[a]!.length >= this.#gMembers[b]!.length ? a : b;
    const members = this.#gMembers[g]!;
    if (members.length >= this.#o.maxGroupSize) return false;
    let gs = this.#userGroups[u];
    if (gs !== undefined && gs.includes(g)) return false;
    members.push(u);
    if (this.#subscribed(u, this.#gSerial[g])) this.#gSubs[g].push(u);
    if (this.#online[u] !== 0) this.#gOnline[g]++;
    if (gs === undefined) this.#userGroups[u] = gs = [];
    gs.push(g);
    this.#out.push({ type: 'group.join', time: now, sdkappid: this.#sdkappid, group: this.#gId[g], user: this.#ids[u] });
    this.#tally.joined();
    return true;
  }

  #groupQuit(u: number, now: number): boolean {
    const gs = this.#userGroups[u];
    if (gs === undefined || gs.length === 0) return false;
    const i = this.#rng.int(gs.length);
    const g = gs[i];
    if (this.#gOwner[g] === u) return false;
    swapRemove(gs, i);
    swapRemove(this.#gMembers[g]!, this.#gMembers[g]!.indexOf(u));
    const subs = this.#gSubs[g];
    const s = subs.indexOf(u);
    if (s >= 0) swapRemove(subs, s);
    if (this.#online[u] !== 0) this.#gOnline[g]--;
    this.#out.push({ type: 'group.quit', time: now, sdkappid: this.#sdkappid, group: this.#gId[g], user: this.#ids[u] });
    this.#tally.quit();
    return true;
  }

  #groupDestroy(u: number, now: number): boolean {
    const gs = this.#userGroups[u];
    if (gs === undefined) return false;
    let g = -1;
    for (let i = 0; i < gs.length && g < 0; i++) if (this.#gOwner[gs[i]] === u) g = gs[i];
    if (g < 0) return false;
    for (const m of this.#gMembers[g]!) {
      const mg = this.#userGroups[m]!;
      swapRemove(mg, mg.indexOf(g));
    }
    this.#out.push({ type: 'group.destroy', time: now, sdkappid: this.#sdkappid, group: this.#gId[g] });
    const pos = this.#gPos[g];
    const moved = this.#live[this.#live.length - 1];
    this.#live[pos] = moved;
    this.#gPos[moved] = pos;
    this.#live.pop();
    this.#gMembers[g] = null;
    this.#gSubs[g] = [];
    this.#free.push(g);
    this.#tally.groupDestroyed();
    return true;
  }
}

function swapRemove(list: number[], i: number): void {
  const last = list.pop()!;
  if (i < list.length) list[i] = last;
}
