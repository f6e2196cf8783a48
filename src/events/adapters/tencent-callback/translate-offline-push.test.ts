import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallbackTranslation, TranslatedCallback } from './callback-translation.js';
import { translateCallback } from './translate-callback.js';
import { offlinePushBody, offlinePushEvent, T0_MS, T0_S } from '../../../../test/support/tencent-callback-samples.js';

const APP = 1400000004;
const ARRIVAL = T0_MS + 60_000;

const push = (body: unknown) => translateCallback({ sdkappid: APP, command: 'Push.OfflinePush', body, arrivalMs: ARRIVAL });

function translated(t: CallbackTranslation): TranslatedCallback {
  assert.equal(t.kind, 'events', t.kind === 'malformed' ? t.error.message : '');
  return t as TranslatedCallback;
}

describe('Push.OfflinePush', () => {
  it('one push per sent, successful event: chat from EventType, vendor apns for PushPlatform 1, EventTime seconds × 1000', () => {
    const t = translated(push(offlinePushBody([offlinePushEvent('c2c'), offlinePushEvent('group', { To_Account: 'user3' })])));
    assert.deepEqual(t.events, [
      { type: 'push', time: (T0_S + 10) * 1000, sdkappid: APP, chat: 'c2c', vendor: 'apns', to: 'user2' },
      { type: 'push', time: (T0_S + 10) * 1000, sdkappid: APP, chat: 'group', vendor: 'apns', to: 'user3' },
    ]);
    assert.deepEqual(t.rejections, []);
  });

  it('other stages and failed pushes are not counted (and not rejected)', () => {
    const t = translated(
      push(offlinePushBody([offlinePushEvent('c2c', { PushStage: 2 }), offlinePushEvent('c2c', { ErrCode: 70001, ErrInfo: 'token invalid' }), offlinePushEvent('group')])),
    );
    assert.deepEqual(t.events.map((e) => (e as { chat: string }).chat), ['group']);
    assert.deepEqual(t.rejections, []);
  });

  it('maps the Android vendors; unknown codes keep their number', () => {
    const vendors = [2, 3, 4, 5, 6, 7, 8, 42].map((PushPlatform) => (translated(push(offlinePushBody([offlinePushEvent('c2c', { PushPlatform })]))).events[0] as { vendor: string }).vendor);
    assert.deepEqual(vendors, ['xiaomi', 'huawei', 'fcm', 'meizu', 'oppo', 'vivo', 'honor', 'platform-42']);
  });

  it('without EventType a push naming a group (GroupID or GroupId) is a group push, else one-to-one', () => {
    const noType = (over: Record<string, unknown>, chat: 'c2c' | 'group') => {
      const e = offlinePushEvent(chat, over);
      delete e.EventType;
      return (translated(push(offlinePushBody([e]))).events[0] as { chat: string }).chat;
    };
    assert.equal(noType({}, 'group'), 'group');
    assert.equal(noType({}, 'c2c'), 'c2c');
    const renamed = offlinePushEvent('c2c', { GroupId: '@TGS#1' });
    delete renamed.EventType;
    assert.equal((translated(push(offlinePushBody([renamed]))).events[0] as { chat: string }).chat, 'group');
  });

  it('time falls back to MsgTime, then to the arrival', () => {
    const e = offlinePushEvent('c2c');
    delete e.EventTime;
    assert.equal(translated(push(offlinePushBody([e]))).events[0]!.time, (T0_S + 9) * 1000);
    delete e.MsgTime;
    assert.equal(translated(push(offlinePushBody([e]))).events[0]!.time, ARRIVAL);
  });

  it('a malformed element is rejected alone, with its index', () => {
    const t = translated(
      push(
        offlinePushBody([
          offlinePushEvent('c2c'),
          offlinePushEvent('c2c', { PushStage: 'sent' }),
          offlinePushEvent('c2c', { EventType: 3 }),
          offlinePushEvent('group', { EventTime: T0_MS }),
          'not an event',
          offlinePushEvent('group'),
        ]),
      ),
    );
    assert.equal(t.events.length, 2);
    assert.deepEqual(
      t.rejections.map((r) => r.path),
      ['Events[1].PushStage', 'Events[2].EventType', 'Events[3].EventTime', 'Events[4]'],
    );
    assert.match(t.rejections[1]!.reason, /must be 1 \(one-to-one\) or 2 \(group\), got 3/);
    assert.match(t.rejections[2]!.reason, /looks like milliseconds/);
  });

  it('Events missing or not an array is malformed; an empty batch translates to nothing', () => {
    for (const [body, problem] of [[{}, 'missing'], [{ Events: {} }, 'wrong-type']] as const) {
      const t = push(body);
      assert.equal(t.kind, 'malformed');
      if (t.kind === 'malformed') assert.deepEqual([t.error.path, t.error.problem], ['Events', problem]);
    }
    const empty = translated(push(offlinePushBody([])));
    assert.deepEqual([empty.events, empty.dedupeKey], [[], undefined]);
  });

  it('dedupe key: an identical batch shares it, a batch with one different event does not', () => {
    const batch = () => offlinePushBody([offlinePushEvent('c2c'), offlinePushEvent('group')]);
    const key = translated(push(batch())).dedupeKey;
    assert.ok(key);
    assert.equal(translated(push(batch())).dedupeKey, key);
    assert.notEqual(translated(push(offlinePushBody([offlinePushEvent('c2c'), offlinePushEvent('group', { PushID: 'other' })]))).dedupeKey, key);
  });

  it('a batch of 10,000 events translates every element', () => {
    const events = Array.from({ length: 10_000 }, (_, i) =>
      offlinePushEvent(i % 2 === 0 ? 'c2c' : 'group', {
        To_Account: `user_${i}`,
        PushPlatform: i % 4 === 0 ? 1 : 3,
        PushStage: i % 10 === 9 ? 2 : 1,
        EventTime: T0_S + Math.floor(i / 100),
        PushID: `push_${i}`,
      }),
    );
    const t = translated(push(offlinePushBody(events)));
    // Stage 2 for i ≡ 9 (mod 10): 1,000 left out.
    assert.equal(t.events.length, 9_000);
    assert.deepEqual(t.rejections, []);
    const apns = t.events.filter((e) => (e as { vendor: string }).vendor === 'apns');
    assert.equal(apns.length, 2_500, 'i ≡ 0 (mod 4) is never ≡ 9 (mod 10)');
    assert.ok(apns.every((e) => (e as { chat: string }).chat === 'c2c'));
    assert.deepEqual(t.events[9_000 - 1], { type: 'push', time: (T0_S + 99) * 1000, sdkappid: APP, chat: 'c2c', vendor: 'huawei', to: 'user_9998' });
  });
});
