import {
  ANDROID_VENDOR_CUM,
  IOS,
  IPAD,
  MOBILE,
  NONE,
  PRIMARY_CUM,
  PUSH_OPT_OUT_SHARE,
  SECOND_FOR_DESKTOP_CUM,
  SECOND_FOR_MOBILE_CUM,
  SECONDARY_SHARE,
} from './platforms.js';
import { logoutAll } from './sessions.js';
import { K_LOGIN, K_REGISTER, plan, S_DELETED, S_REGISTERED, type SimState } from './sim-state.js';
import { simulatedUserId } from './simulated-ids.js';

/** Tail index of per-user session rates (Pareto; < 2: a few users account for much of the traffic). */
const SESSION_RATE_ALPHA = 1.1;
const SESSION_RATE_CAP = 200;
const MINUTE = 60_000;

/**
 * Draws every user's traits (rates, platforms, push vendor, contacts, deletion time) and puts
 * each user's first action in the heap: a login on the warm-up day for pre-registered users, a
 * registration along the activity curve for the others.
 */
export function initUsers(s: SimState): void {
  const o = s.o;
  const rng = s.rng;
  const n = s.n;
  const b = s.baselineUsers;
  const curve = s.curve;
  const days = s.days;
  const startMs = days.midnight(0);
  const endMs = days.midnight(o.days);
  const lStart = curve.at(startMs);
  const lEnd = curve.at(endMs);

  // Session rates: heavy-tailed, then scaled so their mean is the knob.
  let sum = 0;
  for (let u = 0; u < n; u++) {
    const r = Math.min(SESSION_RATE_CAP, rng.pareto(SESSION_RATE_ALPHA));
    s.rate[u] = r;
    sum += r;
  }
  const scale = (o.sessionsPerUserDay * n) / sum;
  const medianRaw = Math.pow(2, 1 / SESSION_RATE_ALPHA);
  for (let u = 0; u < n; u++) {
    const raw = s.rate[u]!;
    s.rate[u] = raw * scale;
    // Busier users also act faster in a session, but much less than proportionally.
    s.actRate[u] = (o.actionsPerMinute * rng.logNormal(1, 0.6) * Math.pow(raw / medianRaw, 0.25)) / MINUTE;
    s.ids[u] = simulatedUserId(u);
    const p = rng.pick(PRIMARY_CUM);
    s.primary[u] = p;
    s.secondary[u] = rng.chance(SECONDARY_SHARE) ? rng.pick(MOBILE[p] ? SECOND_FOR_MOBILE_CUM : SECOND_FOR_DESKTOP_CUM) : NONE;
    const device = MOBILE[p] ? p : s.secondary[u] !== NONE && MOBILE[s.secondary[u]!] ? s.secondary[u] : NONE;
    let vendor = NONE;
    if (device !== NONE && !rng.chance(PUSH_OPT_OUT_SHARE)) vendor = device === IOS || device === IPAD ? 0 : rng.pick(ANDROID_VENDOR_CUM);
    s.vendor[u] = vendor;
    s.contacts[u] = Math.min(500, 5 + Math.floor(15 * rng.logNormal(1, 0.7)));
    s.deleteAt[u] = Infinity;
  }

  const rates = s.rate;
  for (let u = 0; u < n; u++) s.byActivity[u] = u;
  s.byActivity.sort((x, y) => rates[y]! - rates[x]! || x - y);

  // Later users register over the period, following the activity curve, in id order.
  const later = new Float64Array(n - b);
  for (let i = 0; i < later.length; i++) later[i] = lStart + rng.next() * (lEnd - lStart);
  later.sort();

  for (let u = 0; u < n; u++) {
    if (!rng.chance(o.deletedShare)) continue;
    // Deleted at least one activity-day after registering, within the period.
    const from = u < b ? lStart : later[u - b]! + 1;
    if (from < lEnd) s.deleteAt[u] = Math.floor(curve.inverse(from + rng.next() * (lEnd - from)));
  }

  if (o.baseline === 'omit') s.status.fill(S_REGISTERED, 0, b);
  const warmStart = warmUpStart(s);
  const lWarm = curve.at(warmStart);
  for (let u = 0; u < n; u++) {
    if (u < b) {
      const t = plan(s, u, warmStart, curve.inverse(lWarm + rng.exp(1) / s.rate[u]!), K_LOGIN);
      s.heap.push(t, u);
    } else {
      const t = plan(s, u, startMs, curve.inverse(later[u - b]!), K_REGISTER);
      s.heap.push(t, u);
    }
  }
}

/** Sessions of pre-registered users start at noon of the warm-up day, so presence is warm by day 0. */
function warmUpStart(s: SimState): number {
  const m = s.days.midnight(-1);
  return m + Math.floor((s.days.midnight(0) - m) / 2);
}

/** u registers. */
export function register(s: SimState, u: number, t: number): void {
  s.status[u] = S_REGISTERED;
  s.out.push({ type: 'user.register', time: t, sdkappid: s.sdkappid, user: s.ids[u]! });
  s.tally.register(u);
}

/** u's account is deleted (logged out everywhere first). */
export function deleteUser(s: SimState, u: number, t: number): void {
  logoutAll(s, u, t);
  s.status[u] = S_DELETED;
  s.out.push({ type: 'user.delete', time: t, sdkappid: s.sdkappid, user: s.ids[u]! });
  s.tally.deleteUser();
}
