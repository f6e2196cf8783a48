import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { EVENT_TYPES, type ImEvent } from '../events/event.js';
import { validateEvent } from '../events/validate-event.js';
import { addDays } from '../time/calendar-day.js';
import { dayOfZone } from '../time/day-of.js';
import { simulateEvents, simulationPlan } from './simulate-events.js';
import type { SimulateOptions } from './simulate-options.js';
import { ndjsonChunks } from './write-ndjson.js';

const OPTIONS: SimulateOptions = { sdkappid: 1_400_000_000, days: 3, users: 2000, seed: 7, start: '20240603' };

function ndjsonHash(options: SimulateOptions): string {
  const h = createHash('sha256');
  for (const chunk of ndjsonChunks(simulateEvents(options))) h.update(chunk);
  return h.digest('hex');
}

test('the same seed gives the same bytes; another seed or start different ones', () => {
  const a = ndjsonHash(OPTIONS);
  assert.equal(ndjsonHash(OPTIONS), a);
  assert.notEqual(ndjsonHash({ ...OPTIONS, seed: 8 }), a);
  assert.notEqual(ndjsonHash({ ...OPTIONS, start: '20240604' }), a);
});

test('without a start, the last simulated day is yesterday in the app time zone', () => {
  const now = Date.UTC(2024, 5, 10, 20); // 04:00 on 11 June in Shanghai
  const plan = simulationPlan({ ...OPTIONS, start: undefined, now });
  assert.equal(plan.end, '20240610');
  assert.equal(plan.start, '20240608');
  assert.equal(plan.warmUpDay, '20240607');
  const ny = simulationPlan({ ...OPTIONS, start: undefined, now, timezone: 'America/New_York' });
  assert.equal(ny.end, '20240609');
  assert.ok(ny.toMs <= now);
});

/** Checks written from events.md, independent of the lead's validator. */
function checkAgainstSpec(e: ImEvent, sdkappid: number): void {
  const ids: (string | undefined)[] = [];
  assert.ok(EVENT_TYPES.includes(e.type), e.type);
  assert.ok(Number.isSafeInteger(e.time) && e.time >= 1e11, `time ${e.time} must be integer ms`);
  assert.equal(e.sdkappid, sdkappid);
  switch (e.type) {
    case 'user.register':
    case 'user.delete':
      ids.push(e.user);
      break;
    case 'user.login':
    case 'user.logout':
      ids.push(e.user, e.platform);
      break;
    case 'msg.c2c':
      ids.push(e.from, e.to);
      assert.notEqual(e.from, e.to);
      assert.ok(e.delivered === undefined || e.delivered === 0 || e.delivered === 1);
      assert.equal(typeof e.ok, 'boolean');
      if (!e.ok) assert.notEqual(e.delivered, 1);
      break;
    case 'msg.group':
      ids.push(e.from, e.group);
      assert.ok(e.delivered === undefined || (Number.isSafeInteger(e.delivered) && e.delivered >= 0));
      break;
    case 'push':
      assert.ok(e.chat === 'c2c' || e.chat === 'group');
      ids.push(e.vendor, e.to);
      break;
    case 'friend.add':
    case 'friend.delete':
      ids.push(e.user, e.peer);
      assert.notEqual(e.user, e.peer);
      break;
    case 'group.create':
      ids.push(e.group, e.owner, ...e.members);
      assert.ok(e.owner !== undefined && e.members.includes(e.owner), 'the owner is a member');
      assert.equal(new Set(e.members).size, e.members.length, 'members are distinct');
      break;
    case 'group.join':
    case 'group.quit':
      ids.push(e.group, e.user);
      break;
    case 'group.destroy':
      ids.push(e.group);
      break;
    case 'callback':
      ids.push(e.command);
      assert.equal(typeof e.answered, 'boolean');
      break;
  }
  for (const id of ids) {
    assert.equal(typeof id, 'string', `${e.type}: id ${String(id)}`);
    const bytes = Buffer.byteLength(id!);
    assert.ok(bytes >= 1 && bytes <= 64 && /^[\x21-\x7e]+$/.test(id!), `${e.type}: id "${id}"`);
  }
}

test('every event is valid per events.md and the validator, in non-decreasing time order, within the plan', () => {
  // The bigger run is long enough for rare events (dismissals, deletions) to occur.
  const big: SimulateOptions = { ...OPTIONS, days: 7, users: 5000 };
  for (const options of [big, { ...OPTIONS, timezone: 'America/New_York', start: '20240309', days: 3, users: 800 }]) {
    const plan = simulationPlan(options);
    const ctx = { nowMs: plan.toMs, retentionDays: 100_000 };
    const dayOf = dayOfZone(plan.timezone);
    const seen = new Set<string>();
    let last = -Infinity;
    let n = 0;
    for (const e of simulateEvents(options)) {
      n++;
      assert.ok(e.time >= last, `event ${n} goes back in time`);
      last = e.time;
      assert.ok(e.time >= plan.fromMs && e.time < plan.toMs);
      const day = dayOf.day(e.time);
      assert.ok(day >= plan.warmUpDay && day <= plan.end, day);
      checkAgainstSpec(e, options.sdkappid);
      // Round trip through JSON, as ingestion sees it.
      const v = validateEvent(JSON.parse(JSON.stringify(e)), ctx);
      assert.ok(v.ok, v.ok ? '' : `${v.reason}: ${JSON.stringify(e)}`);
      seen.add(e.type);
    }
    if (options === big) assert.deepEqual([...seen].sort(), [...EVENT_TYPES].sort(), 'every event type occurs');
    assert.equal(dayOf.day(plan.fromMs), plan.warmUpDay);
    assert.equal(dayOf.day(plan.toMs), addDays(plan.end, 1));
  }
});

test('baseline "events" registers pre-existing users on the warm-up day; "omit" leaves that to the app baseline', () => {
  const count = (options: SimulateOptions) => {
    const dayOf = dayOfZone('Asia/Shanghai');
    let warm = 0;
    let later = 0;
    for (const e of simulateEvents(options)) {
      if (e.type !== 'user.register') continue;
      if (dayOf.day(e.time) === '20240602') warm++;
      else later++;
    }
    return { warm, later };
  };
  const withEvents = count(OPTIONS);
  const omitted = count({ ...OPTIONS, baseline: 'omit' });
  const plan = simulationPlan(OPTIONS);
  assert.equal(plan.preRegisteredUsers, 1200);
  assert.equal(plan.registeredBaseline, 0);
  assert.equal(simulationPlan({ ...OPTIONS, baseline: 'omit' }).registeredBaseline, 1200);
  assert.deepEqual(withEvents, { warm: 1200, later: 800 });
  assert.deepEqual(omitted, { warm: 0, later: 800 });
});

test('tiny apps work: one, two and three users', () => {
  for (const users of [1, 2, 3]) {
    const events = [...simulateEvents({ sdkappid: 9, days: 3, users, start: '20240101' })];
    assert.ok(events.some((e) => e.type === 'user.login'), `${users} users log in`);
    for (const e of events) checkAgainstSpec(e, 9);
  }
});

test('bad options are refused eagerly, naming the option', () => {
  const bad: [Partial<SimulateOptions>, RegExp][] = [
    [{ sdkappid: 0 }, /sdkappid/],
    [{ days: 0 }, /days/],
    [{ days: 1.5 }, /days/],
    [{ users: -1 }, /users/],
    [{ start: '20240230' }, /start/],
    [{ timezone: 'Mars/Base' }, /time zone/],
    [{ seed: 0.5 }, /seed/],
    [{ groupMessageShare: 2 }, /groupMessageShare/],
    [{ weekendFactor: 0 }, /weekendFactor/],
    [{ baseline: 'later' as 'omit' }, /baseline/],
  ];
  for (const [patch, message] of bad) assert.throws(() => simulateEvents({ ...OPTIONS, ...patch }), message, JSON.stringify(patch));
});
