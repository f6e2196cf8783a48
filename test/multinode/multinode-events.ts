// Tests only: deterministic event streams for the multi-process and outage tests.

const DAY_MS = 86_400_000;

export interface MultinodeEventsOptions {
  readonly sdkappid: number;
  /** Start of the first day (midnight in the app's time zone), Unix ms. */
  readonly firstDayMs: number;
  readonly days: number;
  /** Two-line slots; the stream has twice as many lines. */
  readonly slots: number;
  readonly seed?: number;
  /**
   * Only events whose numbers do not depend on the order batches are applied in (see
   * multinode-race.test.ts for the reasoning); otherwise a mix that exercises presence too.
   */
  readonly orderIndependent: boolean;
}

/** One event line (a plain object) with the slot it belongs to. */
export interface SlotLines {
  readonly slot: number;
  readonly day: number;
  readonly lines: readonly [object, object];
}

/**
 * A time-ordered stream of two-line slots over `days` days. In the order-independent mix each
 * login is followed, at the same instant and in the same slot, by the logout of that session, so
 * no session outlives its slot; `user.register` and `group.create` ids are unique per day
 * (duplicates only within one day), and every message states its deliveries.
 */
export function multinodeEvents(options: MultinodeEventsOptions): SlotLines[] {
  let seed = options.seed ?? 20240610;
  // The high bits: an LCG's low bits repeat with a short period.
  const rand = (n: number) => Math.floor((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 65536) % n;
  const { sdkappid, slots, days } = options;
  const span = days * DAY_MS;
  const out: SlotLines[] = [];
  for (let slot = 0; slot < slots; slot++) {
    // Evenly spread, strictly increasing, never past the last day.
    const time = options.firstDayMs + Math.floor(((slot + 0.5) * span) / slots);
    const day = Math.floor((time - options.firstDayMs) / DAY_MS);
    const user = `u${rand(120)}`;
    const peer = `u${rand(120)}`;
    const platform = ['iOS', 'Android', 'Web'][rand(3)]!;
    const e = (body: object): object => ({ ...body, time, sdkappid });
    let lines: [object, object];
    if (options.orderIndependent) {
      const group = `g${rand(8)}`;
      switch (rand(6)) {
        case 0:
          lines = [e({ type: 'user.login', user, platform }), e({ type: 'user.logout', user, platform })];
          break;
        case 1:
          lines = [
            e({ type: 'msg.c2c', from: user, to: peer, delivered: rand(2) }),
            e({ type: 'msg.group', from: peer, group, delivered: rand(6) }),
          ];
          break;
        case 2:
          lines = [e({ type: 'user.register', user: `r${day}_${rand(60)}` }), e({ type: 'friend.add', user, peer })];
          break;
        case 3:
          lines = [e({ type: 'group.create', group: `n${day}_${rand(12)}`, members: [user] }), e({ type: 'group.join', group, user: peer })];
          break;
        case 4:
          lines = [e({ type: 'callback', command: 'State.StateChange', answered: rand(5) > 0 }), e({ type: 'push', chat: ['c2c', 'group'][rand(2)], vendor: 'apns' })];
          break;
        default:
          lines = [e({ type: 'friend.delete', user, peer }), e({ type: 'group.quit', group, user: peer })];
      }
    } else {
      const group = `g${rand(6)}`;
      const kinds = [
        { type: 'user.login', user, platform },
        { type: 'user.logout', user, platform },
        { type: 'msg.c2c', from: user, to: peer },
        { type: 'msg.group', from: user, group },
        { type: 'group.join', group, user },
        { type: 'group.quit', group, user: peer },
        { type: 'user.register', user },
        { type: 'user.delete', user: peer },
        { type: 'group.create', group: `n${rand(20)}`, members: [user, peer] },
        { type: 'group.destroy', group: `n${rand(20)}` },
        { type: 'callback', command: 'c', answered: rand(10) > 0 },
      ];
      lines = [e(kinds[rand(kinds.length)]!), e(kinds[rand(kinds.length)]!)];
    }
    out.push({ slot, day, lines });
  }
  return out;
}

/** NDJSON text of some slots, in order. */
export function toNdjson(slots: readonly SlotLines[]): string {
  return slots.map((s) => `${JSON.stringify(s.lines[0])}\n${JSON.stringify(s.lines[1])}\n`).join('');
}
