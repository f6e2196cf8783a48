import { hash3 } from './prng.js';
import { S_REGISTERED, type SimState } from './sim-state.js';

const REPLY_SHARE = 0.5;

/**
 * Contact k of user u: a stateless pick skewed towards active users (people talk to people who
 * use the app), the same every time it is asked, so friend lists need no storage.
 */
export function contact(s: SimState, u: number, k: number): number {
  const x = hash3(s.seed, u, k) / 4294967296;
  const v = s.byActivity[Math.floor(x * x * s.n)];
  return v === u ? s.byActivity[(Math.floor(x * x * s.n) + 1) % s.n] : v;
}

/** Who u writes to: the last sender (a reply) or one of u's contacts; −1 if none is registered. */
export function recipient(s: SimState, u: number): number {
  const rng = s.rng;
  const last = s.lastFrom[u];
  if (last >= 0 && s.status[last] === S_REGISTERED && rng.chance(REPLY_SHARE)) {
    s.lastFrom[u] = -1;
    return last;
  }
  const k = s.contacts[u];
  for (let i = 0; i < 3; i++) {
    const x = rng.next();
    const v = contact(s, u, Math.floor(x * x * k));
    if (v !== u && s.status[v] === S_REGISTERED) return v;
  }
  return -1;
}
