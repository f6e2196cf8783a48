import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallbackTranslation, TranslatedCallback } from './callback-translation.js';
import { translateCallback } from './translate-callback.js';
import { c2cAfterSendBody, groupAfterSendBody, T0_MS, T0_S } from '../../../../test/support/tencent-callback-samples.js';

const APP = 1400000001;
const ARRIVAL = T0_MS + 60_000;

const c2c = (body: unknown) => translateCallback({ sdkappid: APP, command: 'C2C.CallbackAfterSendMsg', optPlatform: 'Android', body, arrivalMs: ARRIVAL });
const group = (body: unknown) => translateCallback({ sdkappid: APP, command: 'Group.CallbackAfterSendMsg', optPlatform: 'Web', body, arrivalMs: ARRIVAL });

function translated(t: CallbackTranslation): TranslatedCallback {
  assert.equal(t.kind, 'events', t.kind === 'malformed' ? t.error.message : '');
  return t as TranslatedCallback;
}

function malformed(t: CallbackTranslation, path: string, problem: string, message: RegExp): void {
  assert.equal(t.kind, 'malformed', `${path} should be malformed`);
  if (t.kind !== 'malformed') return;
  assert.equal(t.error.path, path);
  assert.equal(t.error.problem, problem);
  assert.match(t.error.message, message);
}

describe('C2C.CallbackAfterSendMsg', () => {
  it('becomes one msg.c2c: From_Account → To_Account at MsgTime seconds × 1000, ok, delivery left to presence', () => {
    const t = translated(c2c(c2cAfterSendBody()));
    assert.deepEqual(t.events, [{ type: 'msg.c2c', time: (T0_S + 5) * 1000, sdkappid: APP, from: 'jared', to: 'Jonh', ok: true, platform: 'Android' }]);
    assert.equal('delivered' in t.events[0]!, false);
  });

  it('the sender platform comes from OptPlatform, normalised; absent is the default platform', () => {
    const run = (command: string, optPlatform: string | undefined, body: unknown) => translated(translateCallback({ sdkappid: APP, command, optPlatform, body, arrivalMs: ARRIVAL }));
    const platformOf = (t: ReturnType<typeof translated>) => (t.events[0] as { platform?: string }).platform;
    assert.equal(platformOf(run('C2C.CallbackAfterSendMsg', 'IOS', c2cAfterSendBody())), 'iOS');
    assert.equal(platformOf(run('C2C.CallbackAfterSendMsg', undefined, c2cAfterSendBody())), 'default');
    assert.equal(platformOf(run('Group.CallbackAfterSendMsg', 'harmonyos', groupAfterSendBody())), 'HarmonyOS');
  });

  it('ok is false when SendMsgResult is not 0, true when it is absent', () => {
    assert.equal((translated(c2c(c2cAfterSendBody({ SendMsgResult: 20003, ErrorInfo: 'send msg failed' }))).events[0] as { ok: boolean }).ok, false);
    const body = c2cAfterSendBody();
    delete body.SendMsgResult;
    assert.equal((translated(c2c(body)).events[0] as { ok: boolean }).ok, true);
  });

  it('prefers EventTime (ms) over MsgTime when a newer backend sends both', () => {
    assert.equal(translated(c2c(c2cAfterSendBody({ EventTime: T0_MS + 5_432 }))).events[0]!.time, T0_MS + 5_432);
  });

  it('dedupe key: stable across identical retries, different for another MsgKey or conversation', () => {
    const key = (over: Record<string, unknown> = {}) => translated(c2c(c2cAfterSendBody(over))).dedupeKey;
    const base = key();
    assert.ok(base);
    assert.equal(key(), base);
    assert.equal(key({ UnreadMsgNum: 8 }), base, 'a retry whose unread counter moved is the same message');
    const others = [key({ MsgKey: '48375_2837546_1718013605' }), key({ To_Account: 'other' }), key({ From_Account: 'other' })];
    assert.equal(new Set([base, ...others]).size, 4);
    assert.ok(base!.length <= 60);
  });

  it('without MsgKey the key is built from MsgSeq, MsgRandom and MsgTime (same as MsgKey)', () => {
    const body = c2cAfterSendBody();
    delete body.MsgKey;
    assert.equal(translated(c2c(body)).dedupeKey, translated(c2c(c2cAfterSendBody())).dedupeKey);
    delete body.MsgRandom;
    assert.equal(translated(c2c(body)).dedupeKey, undefined);
  });

  it('malformed: missing From_Account, numeric To_Account, string SendMsgResult, no time, millisecond MsgTime', () => {
    const noFrom = c2cAfterSendBody();
    delete noFrom.From_Account;
    malformed(c2c(noFrom), 'From_Account', 'missing', /^From_Account is missing$/);
    malformed(c2c(c2cAfterSendBody({ To_Account: 1001 })), 'To_Account', 'wrong-type', /To_Account must be a string, got number 1001/);
    malformed(c2c(c2cAfterSendBody({ SendMsgResult: 'ok' })), 'SendMsgResult', 'wrong-type', /must be an integer/);
    const noTime = c2cAfterSendBody();
    delete noTime.MsgTime;
    malformed(c2c(noTime), 'MsgTime', 'missing', /MsgTime is missing/);
    malformed(c2c(c2cAfterSendBody({ MsgTime: T0_MS })), 'MsgTime', 'bad-value', /looks like milliseconds/);
  });
});

describe('Group.CallbackAfterSendMsg', () => {
  it('becomes one msg.group: From_Account in GroupId at MsgTime × 1000, deliveries left to membership and presence', () => {
    const t = translated(group(groupAfterSendBody()));
    assert.deepEqual(t.events, [{ type: 'msg.group', time: (T0_S + 7) * 1000, sdkappid: APP, from: 'jared', group: '@TGS#2J4SZEAEL', platform: 'Web' }]);
    assert.deepEqual(t.rejections, []);
  });

  it('uses EventTime (ms, number or digit string) when present', () => {
    assert.equal(translated(group(groupAfterSendBody({ EventTime: String(T0_MS + 7_250) }))).events[0]!.time, T0_MS + 7_250);
    const noMsgTime = groupAfterSendBody({ EventTime: T0_MS + 7_251 });
    delete noMsgTime.MsgTime;
    assert.equal(translated(group(noMsgTime)).events[0]!.time, T0_MS + 7_251);
  });

  it('dedupe key: GroupId + MsgSeq; a retry with another Random or body is still the same message', () => {
    const key = (over: Record<string, unknown> = {}) => translated(group(groupAfterSendBody(over))).dedupeKey;
    const base = key();
    assert.ok(base);
    assert.equal(key({ Random: 99 }), base);
    assert.notEqual(key({ MsgSeq: 124 }), base);
    assert.notEqual(key({ GroupId: '@TGS#other' }), base);
    const noSeq = groupAfterSendBody();
    delete noSeq.MsgSeq;
    assert.equal(translated(group(noSeq)).dedupeKey, undefined);
  });

  it('malformed: missing GroupId, object From_Account, float MsgSeq', () => {
    const noGroup = groupAfterSendBody();
    delete noGroup.GroupId;
    malformed(group(noGroup), 'GroupId', 'missing', /GroupId is missing/);
    malformed(group(groupAfterSendBody({ From_Account: { id: 'x' } })), 'From_Account', 'wrong-type', /got an object/);
    malformed(group(groupAfterSendBody({ MsgSeq: 1.5 })), 'MsgSeq', 'wrong-type', /must be an integer/);
  });
});
