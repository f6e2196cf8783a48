import assert from 'node:assert/strict';
import type { DayNumbers } from './pipeline-harness.js';

/**
 * Asserts metrics.md's "Invariants that always hold" over consecutive days (oldest first).
 * `deletions` gives registered-user deletions per day, worked out from the events by the caller.
 */
export function assertInvariants(days: ReadonlyMap<string, DayNumbers>, deletions: ReadonlyMap<string, number>): void {
  let previous: DayNumbers | undefined;
  for (const [day, n] of days) {
    const at = `on ${day}: ${JSON.stringify(n)}`;
    assert.equal(n.UpMsgNum, n.C2CUpMsgNum + n.GroupUpMsgNum, at);
    assert.equal(n.DownMsgNum, n.C2CDownMsgNum + n.GroupDownMsgNum, at);
    assert.equal(n.APNSMsgNum, n.C2CAPNSMsgNum + n.GroupAPNSMsgNum, at);
    assert.ok(Math.max(n.C2CSendMsgUserNum, n.GroupSendMsgUserNum) <= n.SendMsgUserNum, at);
    assert.ok(n.SendMsgUserNum <= n.C2CSendMsgUserNum + n.GroupSendMsgUserNum, at);
    assert.ok(n.LoginUserNum <= n.ActiveUserNum && n.SendMsgUserNum <= n.ActiveUserNum, at);
    assert.ok(n.LoginUserNum <= n.LoginTimes, at);
    assert.ok(n.MaxOnlineNum <= n.ActiveUserNum, at);
    assert.ok(n.CallBackRsp <= n.CallBackReq, at);
    if (previous) {
      assert.equal(n.RegistUserNumTotal, previous.RegistUserNumTotal + n.RegistUserNumOneDay - (deletions.get(day) ?? 0), at);
      assert.equal(n.GroupAllGroupNum, previous.GroupAllGroupNum + n.GroupNewGroupNum - n.GroupDestroyGroupNum, at);
    }
    previous = n;
  }
}

/** Registered-user deletions per day in the app's zone, from the events alone (the invariant's `deletions(d)`). */
export function deletionsByDay(events: Iterable<object>, dayOf: (ms: number) => string): Map<string, number> {
  const registered = new Set<string>();
  const out = new Map<string, number>();
  for (const e of events as Iterable<{ type: string; user: string; time: number }>) {
    if (e.type === 'user.register') registered.add(e.user);
    if (e.type === 'user.delete' && registered.delete(e.user)) out.set(dayOf(e.time), (out.get(dayOf(e.time)) ?? 0) + 1);
  }
  return out;
}
