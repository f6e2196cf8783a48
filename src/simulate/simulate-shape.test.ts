import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImEvent } from '../events/event.js';
import { weekday } from '../time/calendar-day.js';
import { dayOfZone } from '../time/day-of.js';
import { simulateEvents } from './simulate-events.js';

// Two full weeks from a Monday, in Shanghai (UTC+8 all year, so the local hour is simple).
const OPTIONS = { sdkappid: 1_400_000_001, days: 14, users: 5000, seed: 3, start: '20240603' } as const;
const events: ImEvent[] = [...simulateEvents(OPTIONS)];
const dayOf = dayOfZone('Asia/Shanghai');
const localHour = (ms: number) => Math.floor(((ms + 8 * 3_600_000) % 86_400_000) / 3_600_000);
const simulated = events.filter((e) => dayOf.day(e.time) >= OPTIONS.start);
const ofType = <T extends ImEvent['type']>(type: T) => simulated.filter((e): e is Extract<ImEvent, { type: T }> => e.type === type);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

test('weekends are busier than weekdays', () => {
  const logins = new Map<string, number>();
  for (const e of ofType('user.login')) logins.set(dayOf.day(e.time), (logins.get(dayOf.day(e.time)) ?? 0) + 1);
  const weekend = [...logins].filter(([d]) => [0, 6].includes(weekday(d))).map(([, n]) => n);
  const weekdays = [...logins].filter(([d]) => ![0, 6].includes(weekday(d))).map(([, n]) => n);
  assert.equal(weekend.length, 4);
  assert.equal(weekdays.length, 10);
  assert.ok(mean(weekend) > 1.1 * mean(weekdays), `weekend ${mean(weekend)}, weekdays ${mean(weekdays)}`);
});

test('nights are quiet, evenings busy (in the app time zone)', () => {
  const perHour = new Array<number>(24).fill(0);
  for (const e of simulated) if (e.type === 'msg.c2c' || e.type === 'msg.group' || e.type === 'user.login') perHour[localHour(e.time)]!++;
  const night = perHour[3]! + perHour[4]!;
  const evening = perHour[20]! + perHour[21]!;
  assert.ok(evening > 5 * night, `evening ${evening}, night ${night}`);
  assert.ok(perHour[12]! > perHour[4]!, 'lunch beats the small hours');
});

test('daily active users stay well below registered users, which grow over time', () => {
  let registered = 0;
  const active = new Map<string, Set<string>>();
  const registeredAt = new Map<string, number>();
  for (const e of events) {
    const d = dayOf.day(e.time);
    if (e.type === 'user.register') registered++;
    if (e.type === 'user.delete') registered--;
    registeredAt.set(d, registered);
    const user = e.type === 'user.login' ? e.user : e.type === 'msg.c2c' || e.type === 'msg.group' ? e.from : undefined;
    if (user === undefined || d < OPTIONS.start) continue;
    if (!active.has(d)) active.set(d, new Set());
    active.get(d)!.add(user);
  }
  assert.equal(active.size, 14);
  for (const [d, users] of active) {
    const share = users.size / registeredAt.get(d)!;
    assert.ok(share > 0.05 && share < 0.5, `${d}: ${users.size} active of ${registeredAt.get(d)} registered`);
  }
  assert.ok(registeredAt.get('20240616')! > registeredAt.get('20240603')! * 1.2, 'users keep registering');
});

test('activity is heavy-tailed: the top 1% of senders send a large share of messages', () => {
  const sent = new Map<string, number>();
  for (const e of simulated) if (e.type === 'msg.c2c' || e.type === 'msg.group') sent.set(e.from, (sent.get(e.from) ?? 0) + 1);
  const counts = [...sent.values()].sort((a, b) => b - a);
  const total = counts.reduce((a, b) => a + b, 0);
  const top = counts.slice(0, Math.ceil(counts.length / 100)).reduce((a, b) => a + b, 0);
  assert.ok(top / total > 0.08, `top 1% send ${((100 * top) / total).toFixed(1)}%`);
  assert.ok(counts[Math.floor(counts.length / 2)]! < total / counts.length, 'median below mean');
});

test('group sizes are heavy-tailed and groups live: joins, quits, dismissals', () => {
  const sizes = events.filter((e) => e.type === 'group.create').map((e) => e.members.length).sort((a, b) => a - b);
  const median = sizes[Math.floor(sizes.length / 2)]!;
  assert.ok(sizes.at(-1)! >= 10 * median, `largest ${sizes.at(-1)}, median ${median}`);
  assert.ok(median >= 2);
  for (const t of ['group.create', 'group.join', 'group.quit', 'group.destroy'] as const) assert.ok(ofType(t).length > 0, t);
  assert.ok(ofType('group.join').length > ofType('group.quit').length);
  assert.ok(ofType('group.create').length > ofType('group.destroy').length);
});

test('users have several platforms; sessions pair up, with reconnects, replaced sessions and time-outs', () => {
  const platforms = new Map<string, Set<string>>();
  const online = new Map<string, number>(); // user|platform -> login time
  let reconnects = 0;
  let replaced = 0;
  let logins = 0;
  let logouts = 0;
  const lastLogout = new Map<string, number>();
  for (const e of events) {
    if (e.type !== 'user.login' && e.type !== 'user.logout') continue;
    const key = `${e.user}|${e.platform}`;
    if (e.type === 'user.login') {
      logins++;
      if (!platforms.has(e.user)) platforms.set(e.user, new Set());
      platforms.get(e.user)!.add(e.platform);
      if (online.has(key)) replaced++;
      if (e.time - (lastLogout.get(key) ?? -Infinity) <= 30_000) reconnects++;
      online.set(key, e.time);
    } else {
      logouts++;
      assert.ok(online.delete(key), 'a logout ends a live session');
      lastLogout.set(key, e.time);
    }
  }
  const all = new Set([...platforms.values()].flatMap((s) => [...s]));
  assert.ok(all.size >= 5, [...all].join());
  const multi = [...platforms.values()].filter((s) => s.size > 1).length;
  assert.ok(multi > 0.1 * platforms.size, `${multi} of ${platforms.size} users on several platforms`);
  assert.ok(reconnects > 0.002 * logins && replaced > 0.0005 * logins, `reconnects ${reconnects}, replaced ${replaced}`);
  assert.ok(logouts < logins);
});

test('one-to-one messages: delivered mostly derived, sometimes stated, rarely failed; offline recipients get pushes', () => {
  const c2c = ofType('msg.c2c');
  const stated = c2c.filter((e) => e.delivered !== undefined).length / c2c.length;
  const failed = c2c.filter((e) => !e.ok).length / c2c.length;
  assert.ok(stated > 0.02 && stated < 0.1, `stated ${stated}`);
  assert.ok(failed > 0 && failed < 0.01, `failed ${failed}`);
  const pushes = ofType('push');
  assert.ok(pushes.some((p) => p.chat === 'c2c') && pushes.some((p) => p.chat === 'group'));
  const vendors = new Set(pushes.map((p) => p.vendor));
  for (const v of ['apns', 'fcm', 'huawei', 'xiaomi']) assert.ok(vendors.has(v), v);
});

test('pushes go through APNs exactly for Apple devices', () => {
  const platforms = new Map<string, Set<string>>();
  for (const e of events) if (e.type === 'user.login') (platforms.get(e.user) ?? platforms.set(e.user, new Set()).get(e.user)!).add(e.platform);
  let checked = 0;
  for (const p of ofType('push')) {
    const used = platforms.get(p.to!);
    if (!used) continue;
    const iphone = used.has('iOS');
    const android = used.has('Android');
    // A user has one phone (an iPad may come with either): its maker decides the channel.
    if (iphone && !android) assert.equal(p.vendor, 'apns', `${p.to} uses an iPhone`);
    if (android && !iphone && !used.has('iPad')) assert.notEqual(p.vendor, 'apns', `${p.to} uses Android`);
    if (iphone !== android) checked++;
  }
  assert.ok(checked > 1000);
});

test('friends are added (mostly both ways) and deleted; callbacks sometimes fail; a few users are deleted', () => {
  const adds = ofType('friend.add');
  const keys = new Set(adds.map((e) => `${e.time}|${e.user}|${e.peer}`));
  const mutual = adds.filter((e) => keys.has(`${e.time}|${e.peer}|${e.user}`)).length;
  assert.ok(mutual > 0.5 * adds.length && mutual < adds.length, `mutual ${mutual} of ${adds.length}`);
  assert.ok(ofType('friend.delete').length > 0);
  const callbacks = ofType('callback');
  const failed = callbacks.filter((e) => !e.answered).length / callbacks.length;
  assert.ok(failed > 0 && failed < 0.05, `failed callbacks ${failed}`);
  const deleted = ofType('user.delete').length;
  assert.ok(deleted > 0 && deleted < 0.02 * OPTIONS.users, `deleted ${deleted}`);
});
