import { callback } from './callbacks.js';
import { recipient } from './contacts.js';
import { NONE, PLATFORMS } from './platforms.js';
import { push } from './pushes.js';
import { S_REGISTERED, type SimState } from './sim-state.js';

/** Share of messages sent from another platform u is online on (a desktop beside the phone). */
const OTHER_DEVICE_SEND_SHARE = 0.4;

/** The platform u sends from: its session's, or sometimes another one it is online on. */
function sendPlatform(s: SimState, u: number): number {
  const p = s.sessionPlatform[u]!;
  const others = s.online[u]! & ~(1 << p);
  if (others === 0 || !s.rng.chance(OTHER_DEVICE_SEND_SHARE)) return p;
  return 31 - Math.clz32(others & -others);
}

/** A message from u: to one of u's groups (groupMessageShare) or to one person. */
export function message(s: SimState, u: number, now: number): void {
  const gs = s.userGroups[u];
  if (gs !== undefined && gs.length > 0 && s.rng.chance(s.o.groupMessageShare)) {
    groupMessage(s, u, gs[s.rng.int(gs.length)]!, now);
  } else {
    c2c(s, u, now);
  }
}

function c2c(s: SimState, u: number, now: number): void {
  const v = recipient(s, u);
  if (v < 0) return;
  const rng = s.rng;
  const o = s.o;
  const ok = !rng.chance(o.c2cFailureShare);
  const online = s.online[v] !== 0;
  const delivered = ok && online ? 1 : 0;
  const p = sendPlatform(s, u);
  s.out.push({
    type: 'msg.c2c',
    time: now,
    sdkappid: s.sdkappid,
    from: s.ids[u]!,
    to: s.ids[v]!,
    delivered: rng.chance(o.explicitDeliveredShare) ? delivered : undefined,
    ok,
    platform: PLATFORMS[p]!,
  });
  s.tally.c2c(u, p, delivered, ok && !online ? 1 : 0);
  if (online) s.lastFrom[v] = u;
  else if (ok && s.vendor[v] !== NONE) push(s, v, 'c2c', now);
  callback(s, 'C2C.CallbackAfterSendMsg', now);
}

function groupMessage(s: SimState, u: number, g: number, now: number): void {
  const rng = s.rng;
  const others = s.gOnline[g]! - (s.online[u] !== 0 ? 1 : 0);
  const p = sendPlatform(s, u);
  s.out.push({
    type: 'msg.group',
    time: now,
    sdkappid: s.sdkappid,
    from: s.ids[u]!,
    group: s.gId[g]!,
    delivered: rng.chance(s.o.explicitDeliveredShare) ? others : undefined,
    platform: PLATFORMS[p]!,
  });
  // u is a member (it sends to one of its groups): the other members not online are offline.
  s.tally.groupMessage(u, p, g, others, s.gMembers[g]!.length - 1 - others);
  if (s.gMembers[g]!.length <= s.o.pushGroupMaxSize) {
    const subs = s.gSubs[g]!;
    for (let i = 0; i < subs.length; i++) {
      const v = subs[i]!;
      if (v !== u && s.online[v] === 0 && s.status[v] === S_REGISTERED) push(s, v, 'group', now);
    }
  }
  callback(s, 'Group.CallbackAfterSendMsg', now);
}
