import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COUNTED_FIELDS, zeroCounters, type Counters } from '../catalog/fields.js';
import type { ImEvent } from '../events/event.js';
import { dayOfZone } from '../time/day-of.js';
import { simulateEvents, simulationPlan } from './simulate-events.js';
import type { SimulateOptions, SimulatedDay } from './simulate-options.js';

/**
 * A deliberately naive reading of metrics.md (sets and maps, one app, events in time order),
 * to check the simulator's own tally independently of the real pipeline.
 */
function referenceDays(events: Iterable<ImEvent>, timezone: string, registeredBaseline: number): Map<string, Counters> {
  const dayOf = dayOfZone(timezone);
  const out = new Map<string, Counters>();
  const online = new Map<string, Set<string>>();
  const members = new Map<string, Set<string>>();
  const registered = new Set<string>();
  let registeredTotal = registeredBaseline;
  let day = '';
  let c = zeroCounters();
  let active = new Set<string>();
  let login = new Set<string>();
  let c2cSenders = new Set<string>();
  let groupSenders = new Set<string>();
  let senders = new Set<string>();
  let groupsWithMsg = new Set<string>();
  const close = () => {
    if (day === '') return;
    c.ActiveUserNum = active.size;
    c.LoginUserNum = login.size;
    c.C2CSendMsgUserNum = c2cSenders.size;
    c.GroupSendMsgUserNum = groupSenders.size;
    c.SendMsgUserNum = senders.size;
    c.GroupSendMsgGroupNum = groupsWithMsg.size;
    c.UpMsgNum = c.C2CUpMsgNum + c.GroupUpMsgNum;
    c.DownMsgNum = c.C2CDownMsgNum + c.GroupDownMsgNum;
    c.APNSMsgNum = c.C2CAPNSMsgNum + c.GroupAPNSMsgNum;
    c.RegistUserNumTotal = registeredTotal;
    c.GroupAllGroupNum = members.size;
    out.set(day, c);
  };
  for (const e of events) {
    const d = dayOf.day(e.time);
    if (d !== day) {
      close();
      day = d;
      c = zeroCounters();
      active = new Set(online.keys());
      login = new Set();
      c2cSenders = new Set();
      groupSenders = new Set();
      senders = new Set();
      groupsWithMsg = new Set();
      c.MaxOnlineNum = online.size;
    }
    switch (e.type) {
      case 'user.register':
        if (!registered.has(e.user)) {
          registered.add(e.user);
          c.RegistUserNumOneDay++;
          registeredTotal++;
        }
        break;
      case 'user.delete':
        registered.delete(e.user);
        registeredTotal--;
        break;
      case 'user.login': {
        c.LoginTimes++;
        login.add(e.user);
        active.add(e.user);
        const s = online.get(e.user) ?? new Set<string>();
        s.add(e.platform);
        online.set(e.user, s);
        c.MaxOnlineNum = Math.max(c.MaxOnlineNum, online.size);
        break;
      }
      case 'user.logout': {
        const s = online.get(e.user);
        s?.delete(e.platform);
        if (s?.size === 0) online.delete(e.user);
        break;
      }
      case 'msg.c2c':
        c.C2CUpMsgNum++;
        c.C2CDownMsgNum += e.delivered ?? (e.ok !== false && online.has(e.to) ? 1 : 0);
        c2cSenders.add(e.from);
        senders.add(e.from);
        active.add(e.from);
        break;
      case 'msg.group': {
        c.GroupUpMsgNum++;
        let derived = 0;
        for (const m of members.get(e.group) ?? []) if (m !== e.from && online.has(m)) derived++;
        c.GroupDownMsgNum += e.delivered ?? derived;
        if (e.delivered !== undefined) assert.equal(e.delivered, derived, 'a stated delivery count is the true one');
        groupSenders.add(e.from);
        groupsWithMsg.add(e.group);
        senders.add(e.from);
        active.add(e.from);
        break;
      }
      case 'push':
        if (e.vendor === 'apns') {
          if (e.chat === 'c2c') c.C2CAPNSMsgNum++;
          else c.GroupAPNSMsgNum++;
        }
        break;
      case 'friend.add':
        c.ChainIncrease++;
        break;
      case 'friend.delete':
        c.ChainDecrease++;
        break;
      case 'group.create':
        if (!members.has(e.group)) {
          members.set(e.group, new Set(e.members));
          c.GroupNewGroupNum++;
        }
        break;
      case 'group.join':
        members.get(e.group)?.add(e.user);
        c.GroupJoinGroupTimes++;
        break;
      case 'group.quit':
        members.get(e.group)?.delete(e.user);
        c.GroupQuitGroupTimes++;
        break;
      case 'group.destroy':
        if (members.delete(e.group)) c.GroupDestroyGroupNum++;
        break;
      case 'callback':
        c.CallBackReq++;
        if (e.answered) c.CallBackRsp++;
        break;
    }
  }
  close();
  return out;
}

for (const [name, options] of [
  ['Asia/Shanghai, registrations as events', { sdkappid: 3, days: 4, users: 3000, seed: 11, start: '20240605' }],
  ['America/New_York across DST, baseline omitted', { sdkappid: 3, days: 3, users: 1500, seed: 5, start: '20241102', timezone: 'America/New_York', baseline: 'omit' }],
] as [string, SimulateOptions][]) {
  test(`the simulator's own daily numbers match a naive reading of metrics.md (${name})`, () => {
    const days: SimulatedDay[] = [];
    const events = [...simulateEvents({ ...options, onDay: (d) => days.push(d) })];
    const plan = simulationPlan(options);
    const reference = referenceDays(events, plan.timezone, plan.registeredBaseline);
    assert.deepEqual(
      days.map((d) => d.day),
      [...reference.keys()],
    );
    assert.equal(days.length, options.days + 1);
    assert.deepEqual(
      days.map((d) => d.warmUp),
      days.map((_, i) => i === 0),
    );
    for (const d of days) {
      const r = reference.get(d.day)!;
      for (const f of COUNTED_FIELDS) assert.equal(d.counters[f], r[f], `${d.day} ${f}`);
    }
  });
}

test('metrics.md invariants hold on every simulated day', () => {
  const days: SimulatedDay[] = [];
  for (const _ of simulateEvents({ sdkappid: 3, days: 5, users: 3000, seed: 2, start: '20240101', onDay: (d) => days.push(d) })) void _;
  let prev: Counters | undefined;
  for (const { day, counters: c } of days) {
    const m = `on ${day}`;
    assert.equal(c.UpMsgNum, c.C2CUpMsgNum + c.GroupUpMsgNum, m);
    assert.equal(c.DownMsgNum, c.C2CDownMsgNum + c.GroupDownMsgNum, m);
    assert.equal(c.APNSMsgNum, c.C2CAPNSMsgNum + c.GroupAPNSMsgNum, m);
    assert.ok(Math.max(c.C2CSendMsgUserNum, c.GroupSendMsgUserNum) <= c.SendMsgUserNum, m);
    assert.ok(c.SendMsgUserNum <= c.C2CSendMsgUserNum + c.GroupSendMsgUserNum, m);
    assert.ok(c.LoginUserNum <= c.ActiveUserNum && c.SendMsgUserNum <= c.ActiveUserNum && c.LoginUserNum <= c.LoginTimes, m);
    assert.ok(c.MaxOnlineNum <= c.ActiveUserNum && c.CallBackRsp <= c.CallBackReq, m);
    if (prev) {
      assert.equal(c.GroupAllGroupNum, prev.GroupAllGroupNum + c.GroupNewGroupNum - c.GroupDestroyGroupNum, m);
      assert.ok(c.RegistUserNumTotal <= prev.RegistUserNumTotal + c.RegistUserNumOneDay, m);
    }
    prev = c;
  }
});
