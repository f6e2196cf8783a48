import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COUNTED_FIELDS, zeroCounters, type Counters } from '../catalog/fields.js';
import type { ImEvent } from '../events/event.js';
import { dayOfZone } from '../time/day-of.js';
import { simulateEvents, simulationPlan } from './simulate-events.js';
import type { SimulateOptions, SimulatedBucket, SimulatedDay } from './simulate-options.js';

/** The friend, group and callback counts of metrics.md, as both reference tallies read them. */
function countChainGroupsCallbacks(e: ImEvent, c: Counters, members: Map<string, Set<string>>): void {
  switch (e.type) {
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
      default:
        countChainGroupsCallbacks(e, c, members);
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

interface RefBucket {
  c: Counters;
  extra: Record<string, number>;
  platforms: Map<string, Record<string, number>>;
  vendors: Map<string, Record<string, number>>;
}

/**
 * The same naive reading for hours, with the platform and vendor breakdowns and the getstats-only
 * sums (stats-api.md): sets and maps, sessions carried into every hour they span.
 */
function referenceHours(events: readonly ImEvent[], timezone: string, registeredBaseline: number): Map<string, RefBucket> {
  const zone = dayOfZone(timezone);
  const out = new Map<string, RefBucket>();
  const online = new Map<string, Set<string>>();
  const members = new Map<string, Set<string>>();
  const registered = new Set<string>();
  let registeredTotal = registeredBaseline;
  let label = '';
  let prevTime = 0;
  let b: RefBucket | undefined;
  let sets: Map<string, Set<string>> = new Map();
  const set = (name: string) => {
    let s = sets.get(name);
    if (!s) sets.set(name, (s = new Set()));
    return s;
  };
  const platform = (p: string) => {
    let r = b!.platforms.get(p);
    if (!r) b!.platforms.set(p, (r = { ActiveUserNum: 0, C2CSendMsgUserNum: 0, C2CUpMsgNum: 0, GroupSendMsgUserNum: 0, GroupUpMsgNum: 0, LoginTimes: 0, LoginUserNum: 0, MaxOnlineNum: 0, SendMsgUserNum: 0, UpMsgNum: 0 }));
    return r;
  };
  const onPlatform = (p: string) => [...online.values()].filter((s) => s.has(p)).length;
  const close = () => {
    if (!b) return;
    const c = b.c;
    c.ActiveUserNum = set('active').size;
    c.LoginUserNum = set('login').size;
    c.C2CSendMsgUserNum = set('c2c').size;
    c.GroupSendMsgUserNum = set('group').size;
    c.SendMsgUserNum = set('send').size;
    c.GroupSendMsgGroupNum = set('groups').size;
    c.UpMsgNum = c.C2CUpMsgNum + c.GroupUpMsgNum;
    c.DownMsgNum = c.C2CDownMsgNum + c.GroupDownMsgNum;
    c.APNSMsgNum = c.C2CAPNSMsgNum + c.GroupAPNSMsgNum;
    c.RegistUserNumTotal = registeredTotal;
    c.GroupAllGroupNum = members.size;
    for (const [p, r] of b.platforms) {
      r.ActiveUserNum = set(`active:${p}`).size;
      r.LoginUserNum = set(`login:${p}`).size;
      r.C2CSendMsgUserNum = set(`c2c:${p}`).size;
      r.GroupSendMsgUserNum = set(`group:${p}`).size;
      r.SendMsgUserNum = set(`send:${p}`).size;
      r.UpMsgNum = r.C2CUpMsgNum! + r.GroupUpMsgNum!;
    }
    out.set(label, b);
  };
  const open = (l: string) => {
    close();
    label = l;
    b = { c: zeroCounters(), extra: { C2COfflineMsgNum: 0, C2CPushNum: 0, GroupOfflineMsgNum: 0, GroupPushNum: 0, PushNum: 0 }, platforms: new Map(), vendors: new Map() };
    sets = new Map();
    b.c.MaxOnlineNum = online.size;
    for (const [u, ps] of online) {
      set('active').add(u);
      for (const p of ps) {
        set(`active:${p}`).add(u);
        platform(p).MaxOnlineNum = onPlatform(p);
      }
    }
  };
  const sender = (u: string, p: string, chat: 'c2c' | 'group') => {
    for (const k of ['active', 'send', chat]) {
      set(k).add(u);
      set(`${k}:${p}`).add(u);
    }
    platform(p);
  };
  for (const e of events) {
    const l = zone.hour(e.time);
    if (l !== label) for (const h of label === '' ? [l] : zone.hoursAfter(prevTime, e.time)) open(h);
    prevTime = e.time;
    const c = b!.c;
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
        platform(e.platform).LoginTimes!++;
        for (const k of ['active', 'login']) {
          set(k).add(e.user);
          set(`${k}:${e.platform}`).add(e.user);
        }
        const s = online.get(e.user) ?? new Set<string>();
        s.add(e.platform);
        online.set(e.user, s);
        c.MaxOnlineNum = Math.max(c.MaxOnlineNum, online.size);
        platform(e.platform).MaxOnlineNum = Math.max(platform(e.platform).MaxOnlineNum!, onPlatform(e.platform));
        break;
      }
      case 'user.logout': {
        const s = online.get(e.user);
        s?.delete(e.platform);
        if (s?.size === 0) online.delete(e.user);
        break;
      }
      case 'msg.c2c': {
        const p = e.platform!;
        c.C2CUpMsgNum++;
        platform(p).C2CUpMsgNum!++;
        const isOnline = online.has(e.to);
        c.C2CDownMsgNum += e.ok && isOnline ? 1 : 0;
        b!.extra.C2COfflineMsgNum! += e.ok && !isOnline ? 1 : 0;
        sender(e.from, p, 'c2c');
        break;
      }
      case 'msg.group': {
        const p = e.platform!;
        c.GroupUpMsgNum++;
        platform(p).GroupUpMsgNum!++;
        const others = [...(members.get(e.group) ?? [])].filter((m) => m !== e.from);
        const up = others.filter((m) => online.has(m)).length;
        c.GroupDownMsgNum += up;
        b!.extra.GroupOfflineMsgNum! += others.length - up;
        set('groups').add(e.group);
        sender(e.from, p, 'group');
        break;
      }
      case 'push': {
        const key = e.chat === 'c2c' ? 'C2CPushNum' : 'GroupPushNum';
        b!.extra.PushNum!++;
        b!.extra[key]!++;
        let v = b!.vendors.get(e.vendor);
        if (!v) b!.vendors.set(e.vendor, (v = { C2CPushNum: 0, GroupPushNum: 0, PushNum: 0 }));
        v.PushNum!++;
        v[key]!++;
        if (e.vendor === 'apns') {
          if (e.chat === 'c2c') c.C2CAPNSMsgNum++;
          else c.GroupAPNSMsgNum++;
        }
        break;
      }
      default:
        countChainGroupsCallbacks(e, c, members);
    }
  }
  close();
  return out;
}

for (const [name, options] of [
  ['Asia/Shanghai', { sdkappid: 3, days: 2, users: 800, seed: 12, start: '20240605' }],
  ['Europe/Berlin, fall-back day', { sdkappid: 3, days: 2, users: 500, seed: 6, start: '20241026', timezone: 'Europe/Berlin', baseline: 'omit' }],
] as [string, SimulateOptions][]) {
  test(`the simulator's own hourly numbers, platforms and vendors match a naive reading of the specs (${name})`, () => {
    const hours = new Map<string, SimulatedBucket>();
    const events = [...simulateEvents({ ...options, onHour: (h) => hours.set(h.bucket, h) })];
    const plan = simulationPlan(options);
    const reference = referenceHours(events, plan.timezone, plan.registeredBaseline);
    // The reference starts at the first event's hour; the simulator at the warm-up midnight.
    const labels = [...hours.keys()];
    assert.deepEqual(labels.slice(labels.indexOf([...reference.keys()][0]!)), [...reference.keys()]);
    assert.ok(reference.size >= 24 * options.days);
    for (const [label, r] of reference) {
      const h = hours.get(label)!;
      for (const f of COUNTED_FIELDS) assert.equal(h.counters[f], r.c[f], `${label} ${f}`);
      assert.deepEqual(h.extra, r.extra, `${label} extra sums`);
      assert.deepEqual(h.platforms, Object.fromEntries(r.platforms), `${label} platforms`);
      assert.deepEqual(h.vendors, Object.fromEntries(r.vendors), `${label} vendors`);
    }
  });
}
