import { callback } from './callbacks.js';
import { MOBILE, NONE, PLATFORMS, SECONDARY_SESSION_SHARE } from './platforms.js';
import { K_ACT, K_LOGIN, K_LOGOUT, plan, type SimState } from './sim-state.js';

const MINUTE = 60_000;
const MAX_SESSION_MS = 20 * 3_600_000;

/** u logs in on platform p (a new connection replaces a live one there). */
export function login(s: SimState, u: number, p: number, t: number): void {
  const was = s.online[u]!;
  s.online[u] = was | (1 << p);
  s.out.push({ type: 'user.login', time: t, sdkappid: s.sdkappid, user: s.ids[u]!, platform: PLATFORMS[p]! });
  s.tally.login(u, p, was);
  if (was === 0) {
    const gs = s.userGroups[u];
    if (gs !== undefined) for (let i = 0; i < gs.length; i++) s.gOnline[gs[i]!]!++;
  }
}

/** u logs out of platform p, if logged in there. */
export function logout(s: SimState, u: number, p: number, t: number): void {
  const was = s.online[u]!;
  const bit = 1 << p;
  if ((was & bit) === 0) return;
  s.online[u] = was & ~bit;
  s.out.push({ type: 'user.logout', time: t, sdkappid: s.sdkappid, user: s.ids[u]!, platform: PLATFORMS[p]! });
  s.tally.logout(p, was & ~bit);
  if (was === bit) {
    const gs = s.userGroups[u];
    if (gs !== undefined) for (let i = 0; i < gs.length; i++) s.gOnline[gs[i]!]!--;
  }
}

/** u logs out everywhere. */
export function logoutAll(s: SimState, u: number, t: number): void {
  for (let p = 0; p < PLATFORMS.length && s.online[u] !== 0; p++) logout(s, u, p, t);
}

/** u opens a session (usually on its primary platform); returns the time of its next action. */
export function startSession(s: SimState, u: number, now: number): number {
  const rng = s.rng;
  const sec = s.secondary[u]!;
  const p = sec !== NONE && rng.chance(SECONDARY_SESSION_SHARE) ? sec : s.primary[u]!;
  login(s, u, p, now);
  callback(s, 'State.StateChange', now);
  s.sessionPlatform[u] = p;
  // Log-normal lengths: phones in short bursts, desktops left open for hours (some overnight).
  const median = (MOBILE[p] ? 8 : 60) * MINUTE * s.o.sessionLengthFactor;
  s.sessionEnd[u] = now + Math.min(MAX_SESSION_MS, rng.logNormal(median, 1.1));
  return nextInSession(s, u, now);
}

/** Plans u's next in-session action, or the session's end; returns its time. */
export function nextInSession(s: SimState, u: number, now: number): number {
  const rng = s.rng;
  const rate = s.actRate[u]! * (MOBILE[s.sessionPlatform[u]!] ? 1 : 0.25);
  const t = now + 200 + rng.exp(1 / rate);
  const end = s.sessionEnd[u]!;
  if (t < end) return plan(s, u, now, t, K_ACT);
  // A time-out ends the session minutes after the last sign of life, with no goodbye.
  const logoutAt = rng.chance(s.o.timeoutLogoutShare) ? end + MINUTE + rng.int(4 * MINUTE) : end;
  return plan(s, u, now, logoutAt, K_LOGOUT);
}

/** Ends u's session and plans the next one along the activity curve; returns its time. */
export function endSession(s: SimState, u: number, now: number): number {
  logoutAll(s, u, now);
  callback(s, 'State.StateChange', now);
  const next = s.curve.inverse(s.curve.at(now) + s.rng.exp(1) / s.rate[u]!);
  return plan(s, u, now, Math.max(next, now + 10_000), K_LOGIN);
}
