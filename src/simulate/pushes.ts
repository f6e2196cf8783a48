import { VENDORS } from './platforms.js';
import { K_LOGIN, type SimState } from './sim-state.js';

/**
 * Share of one-to-one offline pushes that bring the recipient back into the app soon (replies,
 * conversations). Kept small: each woken session sends messages that push others, and the
 * branching factor must stay well below 1.
 */
const PUSH_WAKE_SHARE = 0.01;
const PUSH_WAKE_MEAN_MS = 3 * 60_000;

/** An offline push to user v through its vendor; a one-to-one push may wake v early. */
export function push(s: SimState, v: number, chat: 'c2c' | 'group', now: number): void {
  const vendor = s.vendor[v]!;
  s.out.push({ type: 'push', time: now, sdkappid: s.sdkappid, chat, vendor: VENDORS[vendor]!, to: s.ids[v] });
  s.tally.push(vendor, chat);
  // Some notifications are opened: the recipient comes online soon, earlier than planned.
  if (chat === 'c2c' && s.kind[v] === K_LOGIN && s.rng.chance(PUSH_WAKE_SHARE)) {
    const planned = s.heap.timeOf(v);
    const t = Math.floor(now + 5000 + s.rng.exp(PUSH_WAKE_MEAN_MS));
    if (t < planned && t < s.deleteAt[v]!) s.heap.decrease(v, t);
  }
}
