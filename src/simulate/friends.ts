import { callback } from './callbacks.js';
import { contact } from './contacts.js';
import { S_REGISTERED, type SimState } from './sim-state.js';

const MUTUAL_FRIEND_SHARE = 0.75;
const FRIEND_DELETE_BOTH_SHARE = 0.5;

/** u adds its next contact as a friend (often both ways); false if there is none to add. */
export function friendAdd(s: SimState, u: number, now: number): boolean {
  const k = s.friends[u];
  if (k === 0xffff) return false;
  s.friends[u] = k + 1;
  const p = contact(s, u, k);
  if (p === u || s.status[p] !== S_REGISTERED) return false;
  const t = { time: now, sdkappid: s.sdkappid };
  s.out.push({ type: 'friend.add', ...t, user: s.ids[u], peer: s.ids[p] });
  let n = 1;
  if (s.rng.chance(MUTUAL_FRIEND_SHARE)) {
    s.out.push({ type: 'friend.add', ...t, user: s.ids[p], peer: s.ids[u] });
    n++;
  }
  s.tally.friendsAdded(n);
  callback(s, 'Sns.CallbackFriendAdd', now);
  return true;
}

/** u deletes its latest friend (sometimes both ways); false if u has none. */
export function friendDelete(s: SimState, u: number, now: number): boolean {
  const k = s.friends[u];
  if (k === 0) return false;
  s.friends[u] = k - 1;
  const p = contact(s, u, k - 1);
  if (p === u) return false;
  const t = { time: now, sdkappid: s.sdkappid };
  s.out.push({ type: 'friend.delete', ...t, user: s.ids[u], peer: s.ids[p] });
  let n = 1;
  if (s.rng.chance(FRIEND_DELETE_BOTH_SHARE)) {
    s.out.push({ type: 'friend.delete', ...t, user: s.ids[p], peer: s.ids[u] });
    n++;
  }
  s.tally.friendsDeleted(n);
  return true;
}
