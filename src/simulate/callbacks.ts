import type { SimState } from './sim-state.js';

const CALLBACK_RETRY_SHARE = 0.5;

/** Maybe a webhook call for `command` (the app's callbackShare), retried once after a failure. */
export function callback(s: SimState, command: string, now: number): void {
  const rng = s.rng;
  const o = s.o;
  if (!rng.chance(o.callbackShare)) return;
  let answered = !rng.chance(o.callbackFailureShare);
  s.out.push({ type: 'callback', time: now, sdkappid: s.sdkappid, command, answered });
  s.tally.callback(answered);
  if (!answered && rng.chance(CALLBACK_RETRY_SHARE)) {
    answered = !rng.chance(o.callbackFailureShare);
    s.out.push({ type: 'callback', time: now, sdkappid: s.sdkappid, command, answered });
    s.tally.callback(answered);
  }
}
