// reduceStateful works on cloneState's copy, whose session and member sets are shared with the
// state it was cloned from (the loaded rows and the process's AppStateCache), and indexes group
// presence only for the users a batch logs in or out. Checked here against a model written out
// plainly: the state it was cloned from is left exactly as it was, diffState's rows turn it into
// the reduced state, and every derived group delivery counts the members online at that moment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ImEvent } from '../events/event.js';
import { dayOfZone } from '../time/day-of.js';
import { cloneState, diffState, type AppState } from './app-state.js';
import { ALL_DIMS } from './bucket-key.js';
import { reduceStateful } from './reduce-app-batch.js';
import { Tally } from './tally.js';

const SDKAPPID = 1_400_000_001;
const T0 = Date.parse('2024-06-10T02:00:00Z');
const users = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'];
const groups = ['g0', 'g1', 'g2'];
const platforms = ['iOS', 'Android', 'Web'];

const user = fc.constantFrom(...users);
const group = fc.constantFrom(...groups);
const platform = fc.constantFrom(...platforms);

/** A state as lockAndLoad returns it: every session and member known, empty sets included. */
const startState = fc
  .record({
    sessions: fc.array(fc.tuple(user, fc.subarray(platforms)), { maxLength: 6 }),
    members: fc.array(fc.tuple(group, fc.subarray(users)), { maxLength: 3 }),
  })
  .map(({ sessions, members }): AppState => {
    const s = new Map(sessions.map(([u, ps]) => [u, new Set(ps)]));
    const platformOnline = new Map<string, number>();
    for (const ps of s.values()) for (const p of ps) platformOnline.set(p, (platformOnline.get(p) ?? 0) + 1);
    return {
      presenceClock: T0,
      onlineUsers: [...s.values()].filter((ps) => ps.size > 0).length,
      platformOnline,
      sessions: s,
      allSessionsLoaded: true,
      registered: new Set(),
      groups: new Set(members.map(([g]) => g)),
      members: new Map(members.filter(([, us]) => us.length > 0).map(([g, us]) => [g, new Set(us)])),
    };
  });

type Step = { type: 'login' | 'logout'; user: string; platform: string } | { type: 'join' | 'quit'; user: string; group: string } | { type: 'create'; group: string; members: string[] } | { type: 'destroy' | 'message'; group: string; user: string };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ type: fc.constantFrom('login' as const, 'logout' as const), user, platform }),
  fc.record({ type: fc.constantFrom('join' as const, 'quit' as const), user, group }),
  fc.record({ type: fc.constant('create' as const), group, members: fc.subarray(users) }),
  fc.record({ type: fc.constantFrom('destroy' as const, 'message' as const, 'message' as const), group, user }),
);

function toEvent(s: Step, i: number): ImEvent {
  const base = { sdkappid: SDKAPPID, time: T0 + i * 1000 };
  switch (s.type) {
    case 'login':
      return { ...base, type: 'user.login', user: s.user, platform: s.platform };
    case 'logout':
      return { ...base, type: 'user.logout', user: s.user, platform: s.platform };
    case 'join':
      return { ...base, type: 'group.join', group: s.group, user: s.user };
    case 'quit':
      return { ...base, type: 'group.quit', group: s.group, user: s.user };
    case 'create':
      return { ...base, type: 'group.create', group: s.group, members: s.members };
    case 'destroy':
      return { ...base, type: 'group.destroy', group: s.group };
    case 'message':
      return { ...base, type: 'msg.group', group: s.group, from: s.user, platform: 'default' };
  }
}

/** A deep, order-free picture of a state's sets, to compare before and after. */
function picture(s: AppState): string {
  const sets = (m: Map<string, Set<string>>) => [...m].map(([k, v]) => [k, [...v].sort()] as const).sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify({ sessions: sets(s.sessions), members: sets(s.members), groups: [...s.groups].sort(), online: s.onlineUsers });
}

/** Non-empty sets only: an emptied set and an absent one are the same state. */
function nonEmpty(m: Map<string, Set<string>>): Map<string, Set<string>> {
  return new Map([...m].filter(([, v]) => v.size > 0).map(([k, v]) => [k, new Set(v)]));
}

/** The model: the same events on plain copies; returns the deliveries each message derives. */
function modelDeliveries(start: AppState, events: readonly ImEvent[]): number {
  const sessions = nonEmpty(start.sessions);
  const members = nonEmpty(start.members);
  const existing = new Set(start.groups);
  let delivered = 0;
  for (const e of events) {
    if (e.type === 'user.login') (sessions.get(e.user) ?? sessions.set(e.user, new Set()).get(e.user)!).add(e.platform);
    else if (e.type === 'user.logout') sessions.get(e.user)?.delete(e.platform);
    else if (e.type === 'group.join') (members.get(e.group) ?? members.set(e.group, new Set()).get(e.group)!).add(e.user);
    else if (e.type === 'group.quit') members.get(e.group)?.delete(e.user);
    else if (e.type === 'group.create' && !existing.has(e.group)) {
      existing.add(e.group);
      members.set(e.group, new Set(e.members));
    } else if (e.type === 'group.destroy' && existing.delete(e.group)) members.delete(e.group);
    else if (e.type === 'msg.group') {
      for (const m of members.get(e.group) ?? []) if (m !== e.from && (sessions.get(m)?.size ?? 0) > 0) delivered++;
    }
  }
  return delivered;
}

test('reducing a clone leaves the shared state untouched, its diff is exact, and derived group deliveries count who is online', () => {
  fc.assert(
    fc.property(startState, fc.array(step, { maxLength: 40 }), (before, steps) => {
      const events = steps.map(toEvent);
      const original = picture(before);
      const expectedDelivered = modelDeliveries(before, events);
      const state = cloneState(before);
      const tally = new Tally();
      reduceStateful(events, state, tally, { dayOf: dayOfZone('UTC'), maxCarryDays: 35 });

      assert.equal(picture(before), original, 'the state reduceStateful started from was changed');

      // diffState's rows applied to a copy of `before` give the reduced state.
      const changes = diffState(before, state);
      const sessions = nonEmpty(before.sessions);
      for (const [u, p] of changes.sessionsRemoved) sessions.get(u)?.delete(p);
      for (const [u, p] of changes.sessionsAdded) (sessions.get(u) ?? sessions.set(u, new Set()).get(u)!).add(p);
      const members = nonEmpty(before.members);
      for (const [g, u] of changes.membersRemoved) members.get(g)?.delete(u);
      for (const [g, u] of changes.membersAdded) (members.get(g) ?? members.set(g, new Set()).get(g)!).add(u);
      assert.deepEqual(nonEmpty(sessions), nonEmpty(state.sessions));
      assert.deepEqual(nonEmpty(members), nonEmpty(state.members));

      const delivered = tally
        .buckets()
        .filter((b) => b.key.grain === 'day' && b.key.dim === ALL_DIMS)
        .reduce((n, b) => n + (b.adds.GroupDownMsgNum ?? 0), 0);
      assert.equal(delivered, expectedDelivered);
    }),
    { numRuns: 500 },
  );
});
