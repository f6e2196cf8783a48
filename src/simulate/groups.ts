import { callback } from './callbacks.js';
import { contact } from './contacts.js';
import { NONE } from './platforms.js';
import { hash3 } from './prng.js';
import { S_REGISTERED, type SimState } from './sim-state.js';
import { simulatedGroupId } from './simulated-ids.js';

/** Group sizes are Zipf-like (Pareto with tail index 1), minimum 3. */
const GROUP_SIZE_ALPHA = 1;

/** Whether v has notifications on for group `serial` (stateless, like contacts). */
function subscribed(s: SimState, v: number, serial: number): boolean {
  return s.vendor[v] !== NONE && hash3(s.seed ^ 0x5bd1e995, v, serial) / 4294967296 < s.o.groupPushShare;
}

function createGroup(s: SimState, owner: number, members: number[], t: number): void {
  const slot = s.free.length > 0 ? s.free.pop()! : s.gMembers.length;
  const serial = ++s.serial;
  s.gId[slot] = simulatedGroupId(serial);
  s.gSerial[slot] = serial;
  s.gOwner[slot] = owner;
  s.gMembers[slot] = members;
  const subs: number[] = [];
  let online = 0;
  for (const m of members) {
    if (subscribed(s, m, serial)) subs.push(m);
    if (s.online[m] !== 0) online++;
    const gs = s.userGroups[m];
    if (gs === undefined) s.userGroups[m] = [slot];
    else gs.push(slot);
  }
  s.gSubs[slot] = subs;
  s.gOnline[slot] = online;
  s.gPos[slot] = s.live.length;
  s.live.push(slot);
  const ids = s.ids;
  s.out.push({
    type: 'group.create',
    time: t,
    sdkappid: s.sdkappid,
    group: s.gId[slot],
    owner: ids[owner],
    members: members.map((m) => ids[m]!),
  });
  s.tally.groupCreated(slot);
}

/** A group that existed before the start, among pre-registered users (the warm-up day). */
export function initialGroup(s: SimState, t: number): void {
  const rng = s.rng;
  const b = s.baselineUsers;
  const owner = rng.int(b);
  const size = Math.min(s.o.maxGroupSize, b, Math.floor(3 * rng.pareto(GROUP_SIZE_ALPHA)));
  const members = [owner];
  const seen = new Set(members);
  const k = 2 * s.contacts[owner]!;
  // Friends first, then strangers: big groups are mostly people who do not know the owner.
  for (let i = 0; members.length < size && i < 4 * size + k; i++) {
    const c = i < k ? contact(s, owner, i) : rng.int(b);
    if (c < b && !seen.has(c)) {
      seen.add(c);
      members.push(c);
    }
  }
  createGroup(s, owner, members, t);
}

/** u creates a small group of its contacts. */
export function groupCreate(s: SimState, u: number, now: number): void {
  const rng = s.rng;
  const size = Math.min(s.o.maxGroupSize, 2 + Math.floor(2 * rng.pareto(1.5)), 50);
  const members = [u];
  const k = 2 * s.contacts[u]!;
  for (let i = 0; members.length < size && i < 3 * size; i++) {
    const c = contact(s, u, rng.int(k));
    if (s.status[c] === S_REGISTERED && !members.includes(c)) members.push(c);
  }
  createGroup(s, u, members, now);
  callback(s, 'Group.CallbackAfterCreateGroup', now);
}

/** u joins a live group, favouring big ones; false if none can take u. */
export function groupJoin(s: SimState, u: number, now: number): boolean {
  const live = s.live;
  if (live.length === 0) return false;
  // Two random groups, the bigger one wins: joins favour big groups, as in real apps.
  const a = live[s.rng.int(live.length)]!;
  const b = live[s.rng.int(live.length)]!;
  const g = s.gMembers[a]!.length >= s.gMembers[b]!.length ? a : b;
  const members = s.gMembers[g]!;
  if (members.length >= s.o.maxGroupSize) return false;
  let gs = s.userGroups[u];
  if (gs !== undefined && gs.includes(g)) return false;
  members.push(u);
  if (subscribed(s, u, s.gSerial[g]!)) s.gSubs[g]!.push(u);
  if (s.online[u] !== 0) s.gOnline[g]!++;
  if (gs === undefined) s.userGroups[u] = gs = [];
  gs.push(g);
  s.out.push({ type: 'group.join', time: now, sdkappid: s.sdkappid, group: s.gId[g]!, user: s.ids[u]! });
  s.tally.joined();
  return true;
}

/** u leaves one of its groups (not one it owns); false if it cannot. */
export function groupQuit(s: SimState, u: number, now: number): boolean {
  const gs = s.userGroups[u];
  if (gs === undefined || gs.length === 0) return false;
  const i = s.rng.int(gs.length);
  const g = gs[i]!;
  if (s.gOwner[g] === u) return false;
  swapRemove(gs, i);
  swapRemove(s.gMembers[g]!, s.gMembers[g]!.indexOf(u));
  const subs = s.gSubs[g]!;
  const k = subs.indexOf(u);
  if (k >= 0) swapRemove(subs, k);
  if (s.online[u] !== 0) s.gOnline[g]!--;
  s.out.push({ type: 'group.quit', time: now, sdkappid: s.sdkappid, group: s.gId[g]!, user: s.ids[u]! });
  s.tally.quit();
  return true;
}

/** u dismisses a group it owns; false if it owns none. */
export function groupDestroy(s: SimState, u: number, now: number): boolean {
  const gs = s.userGroups[u];
  if (gs === undefined) return false;
  let g = -1;
  for (let i = 0; i < gs.length && g < 0; i++) if (s.gOwner[gs[i]!] === u) g = gs[i]!;
  if (g < 0) return false;
  for (const m of s.gMembers[g]!) {
    const mg = s.userGroups[m]!;
    swapRemove(mg, mg.indexOf(g));
  }
  s.out.push({ type: 'group.destroy', time: now, sdkappid: s.sdkappid, group: s.gId[g]! });
  const pos = s.gPos[g]!;
  const moved = s.live[s.live.length - 1]!;
  s.live[pos] = moved;
  s.gPos[moved] = pos;
  s.live.pop();
  s.gMembers[g] = null;
  s.gSubs[g] = [];
  s.free.push(g);
  s.tally.groupDestroyed();
  return true;
}

function swapRemove(list: number[], i: number): void {
  const last = list.pop()!;
  if (i < list.length) list[i] = last;
}
