import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { offlinePushBody, offlinePushEvent } from '../../../test/support/tencent-callback-samples.js';
import { testDatabaseKinds } from '../../../test/support/test-databases.js';
import { ERROR_CODES } from '../error-codes.js';
import { NOW_MS, openRestHarness, SDKAPPID, type RestHarness } from '../../../test/support/rest-test-harness.js';
import { MAX_CALLBACK_BODY_BYTES } from './tencent-callback.js';
import { at, CALLBACK_PATH, dayNumbers, postCallback, type PostedCallback } from '../../../test/support/tencent-callback-day.js';

type Answer = { ActionStatus: string; ErrorCode: number; ErrorInfo: string };
const DISABLED_APP = 1400000777;

const c2cBody = (over: Record<string, unknown> = {}) => ({
  CallbackCommand: 'C2C.CallbackAfterSendMsg',
  From_Account: 'alice',
  To_Account: 'bob',
  MsgSeq: 1,
  MsgRandom: 2,
  MsgTime: Math.floor(at('09:00') / 1000),
  MsgKey: `1_2_${Math.floor(at('09:00') / 1000)}`,
  SendMsgResult: 0,
  ...over,
});
const c2c = (body: unknown = c2cBody()): PostedCallback => ({ atMs: at('09:00'), command: 'C2C.CallbackAfterSendMsg', optPlatform: 'iOS', body });

/** A push batch of `n` sent APNs events, `n` × ~330 bytes. */
const bigPush = (n: number): PostedCallback => ({
  atMs: at('13:00'),
  command: 'Push.OfflinePush',
  body: offlinePushBody(Array.from({ length: n }, (_, i) => offlinePushEvent(i % 2 ? 'group' : 'c2c', { To_Account: `u${i}`, PushID: `push-${i}`, EventTime: at('13:00') / 1000 }))),
});

async function answerOf(res: Awaited<ReturnType<typeof postCallback>>): Promise<Answer> {
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/json');
  return res.json();
}

function failed(a: Answer, code: number, info: RegExp, label = ''): void {
  assert.equal(a.ActionStatus, 'FAIL', `${label}: ${a.ErrorInfo}`);
  assert.equal(a.ErrorCode, code, `${label}: ${a.ErrorInfo}`);
  assert.match(a.ErrorInfo, info, label);
}

for (const kind of testDatabaseKinds()) {
  describe(`POST /v4/imstats/callback, bad input, on ${kind}`, () => {
    let h: RestHarness;
    before(async () => {
      h = await openRestHarness(kind);
      await h.apps.create({ sdkappid: DISABLED_APP, name: 'Off', createdAt: NOW_MS - 86_400_000 * 60 });
      await h.apps.setEnabled(DISABLED_APP, false);
    });
    after(() => h.close());

    test('each refusal names its cause, and none of them counts anything', async () => {
      const cases: [string, Promise<Answer>, number, RegExp][] = [
        ['no SdkAppid', answerOf(await postCallback(h, c2c(), { query: { SdkAppid: undefined } })), ERROR_CODES.MISSING_SDKAPPID.code, /SdkAppid is missing/],
        // An unknown app answers as an app with a token would to an unsigned callback (tencent-callback.security.test.ts).
        ['unknown app', answerOf(await postCallback(h, c2c(), { sdkappid: 1400000999 })), ERROR_CODES.CALLBACK_BAD_SIGN.code, /Sign is missing.*or SdkAppid is not an app of this server/],
        ['SdkAppid not a number', answerOf(await postCallback(h, c2c(), { query: { SdkAppid: 'abc' } })), ERROR_CODES.CALLBACK_BAD_SIGN.code, /or SdkAppid is not an app of this server/],
        ['disabled app (no token: nothing to hide)', answerOf(await postCallback(h, c2c(), { sdkappid: DISABLED_APP })), ERROR_CODES.APP_DISABLED.code, /^SDKAppID is disabled: 1400000777$/],
        ['no CallbackCommand', answerOf(await postCallback(h, c2c(), { query: { CallbackCommand: undefined } })), ERROR_CODES.UNKNOWN_COMMAND.code, /CallbackCommand is missing/],
        ['malformed JSON', answerOf(await postCallback(h, c2c('{"From_Account": "alice",'))), ERROR_CODES.INVALID_JSON.code, /not valid JSON/],
        ['empty body', answerOf(await postCallback(h, c2c(''))), ERROR_CODES.INVALID_JSON.code, /body is empty/],
        ['a JSON array', answerOf(await postCallback(h, c2c([c2cBody()]))), ERROR_CODES.INVALID_JSON.code, /must be a JSON object, got an array/],
        ['missing From_Account', answerOf(await postCallback(h, c2c({ ...c2cBody(), From_Account: undefined }))), ERROR_CODES.INVALID_JSON.code, /C2C\.CallbackAfterSendMsg body: From_Account is missing/],
        ['numeric To_Account', answerOf(await postCallback(h, c2c(c2cBody({ To_Account: 42 })))), ERROR_CODES.INVALID_JSON.code, /To_Account must be a string, got number 42/],
        ['body of another command', answerOf(await postCallback(h, c2c(c2cBody({ CallbackCommand: 'Group.CallbackAfterSendMsg' })))), ERROR_CODES.INVALID_JSON.code, /differs from the URL's/],
        ['MsgTime in milliseconds', answerOf(await postCallback(h, c2c(c2cBody({ MsgTime: at('09:00') })))), ERROR_CODES.INVALID_JSON.code, /looks like milliseconds/],
      ];
      for (const [name, answer, code, info] of cases) failed(await answer, code, info, name);
      const numbers = await dayNumbers(h, NOW_MS);
      assert.equal(numbers.C2CUpMsgNum, 0);
      assert.equal(numbers.SendMsgUserNum, 0);
    });

    test('a body that is not UTF-8 is refused', async () => {
      const res = await h.app.inject({
        method: 'POST',
        url: `${CALLBACK_PATH}?SdkAppid=${SDKAPPID}&CallbackCommand=C2C.CallbackAfterSendMsg`,
        payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
      });
      failed(await answerOf(res), ERROR_CODES.INVALID_JSON.code, /not valid UTF-8/);
    });

    test('an unknown command is acknowledged OK whatever its body, and counts nothing', async () => {
      for (const command of ['Group.CallbackBeforeSendMsg', 'Profile.CallbackPortraitSet', 'Nonsense']) {
        const a = await answerOf(await postCallback(h, { atMs: at('09:30'), command, body: 'not even JSON' }));
        assert.deepEqual(a, { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: `ignored: CallbackCommand ${JSON.stringify(command)} is not counted` });
      }
      const a = await answerOf(await postCallback(h, { atMs: at('09:30'), command: 'State.StateChange', body: { Info: { Action: 'SetCustomStatus', To_Account: 'alice' }, EventTime: at('09:30') } }));
      assert.equal(a.ErrorCode, 0);
      assert.match(a.ErrorInfo, /^ignored: Info\.Action "SetCustomStatus"/);
      assert.equal((await dayNumbers(h, NOW_MS)).LoginTimes, 0);
    });

    test('a method other than POST is 60002', async () => {
      const res = await h.app.inject({ method: 'GET', url: `${CALLBACK_PATH}?SdkAppid=${SDKAPPID}&CallbackCommand=State.StateChange` });
      failed(await answerOf(res), ERROR_CODES.BAD_HTTP.code, /use POST/);
    });

    test('events outside what the pipeline accepts: refused when nothing counts, reported when some do', async () => {
      const old = await answerOf(await postCallback(h, c2c(c2cBody({ MsgTime: Math.floor((NOW_MS - 40 * 86_400_000) / 1000) }))));
      failed(old, ERROR_CODES.INVALID_JSON.code, /nothing could be counted: 1 left out: event 1 \(msg\.c2c\): .*retention window/);
      const batch = offlinePushBody([
        offlinePushEvent('c2c', { To_Account: 'dave', EventTime: at('13:05') / 1000, PushID: 'ok-1' }),
        offlinePushEvent('c2c', { To_Account: 'erin', EventTime: 'later', PushID: 'bad-1' }),
      ]);
      const partial = await answerOf(await postCallback(h, { atMs: at('13:05'), command: 'Push.OfflinePush', body: batch }));
      assert.equal(partial.ErrorCode, 0);
      assert.equal(partial.ErrorInfo, '1 events counted; 1 left out: Events[1].EventTime must be an integer, got the string "later"');
      const numbers = await dayNumbers(h, NOW_MS);
      assert.equal(numbers.C2CAPNSMsgNum, 1);
      assert.equal(numbers.C2CUpMsgNum, 0);
    });

    test('a Push.OfflinePush of 10,000 events counts once, its retry adds nothing, the server still serves', async () => {
      const before = await dayNumbers(h, NOW_MS);
      // Stored either way; applied within the answer budget or just after it (the box may be loaded).
      const first = await answerOf(await postCallback(h, bigPush(10_000)));
      assert.ok(['', 'stored; being applied'].includes(first.ErrorInfo), first.ErrorInfo);
      assert.deepEqual({ ...first, ErrorInfo: '' }, { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
      await drained();
      const retry = await answerOf(await postCallback(h, bigPush(10_000), { delayS: 5 }));
      assert.ok(['OK: already applied (a retried delivery)', 'stored; being applied'].includes(retry.ErrorInfo), retry.ErrorInfo);
      assert.equal(retry.ErrorCode, 0);
      await drained();
      const after = await dayNumbers(h, NOW_MS);
      assert.deepEqual(
        [after.C2CAPNSMsgNum - before.C2CAPNSMsgNum, after.GroupAPNSMsgNum - before.GroupAPNSMsgNum, after.APNSMsgNum - before.APNSMsgNum],
        [5_000, 5_000, 10_000],
      );
      const next = await answerOf(await postCallback(h, c2c(c2cBody({ MsgSeq: 7, MsgKey: 'next' }))));
      assert.deepEqual(next, { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
    });

    /** Waits (bounded) until every stored callback has been applied. */
    async function drained(): Promise<void> {
      const waiting = async () => Number((await h.store.db.selectFrom('callback_inbox').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      for (let i = 0; i < 600 && (await waiting()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(await waiting(), 0, 'every stored callback was applied');
    }

    test('a callback body over the 16 MiB callback limit is refused clearly and counts nothing', async () => {
      const before = await dayNumbers(h, NOW_MS);
      const huge = await answerOf(await postCallback(h, { ...bigPush(1), body: 'x'.repeat(MAX_CALLBACK_BODY_BYTES + 1) }));
      failed(huge, ERROR_CODES.INVALID_JSON.code, /body of \d+ bytes is larger than the 16777216-byte limit/);
      assert.deepEqual(await dayNumbers(h, NOW_MS), before);
    });
  });
}
