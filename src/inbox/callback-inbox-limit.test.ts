// The callback inbox is bounded per app: while an app has `limit` callbacks stored and not yet
// applied, a new one is refused with a non-zero code before anything is stored (the sender
// retries), so nothing is acknowledged that is not kept; once the backlog is applied the retry
// is accepted and everything counts once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabaseKinds } from '../../test/support/test-databases.js';
import { NOW_MS, openRestHarness, SDKAPPID, type RestHarness } from '../../test/support/rest-test-harness.js';
import { at, dayNumbers, postCallback, type PostedCallback } from '../../test/support/tencent-callback-day.js';
import { CallbackInbox } from './callback-inbox.js';

const LIMIT = 3;
const T = at('09:00');

const c2cBody = (from: string) => ({
  CallbackCommand: 'C2C.CallbackAfterSendMsg',
  From_Account: from,
  To_Account: 'bob',
  MsgSeq: 1,
  MsgRandom: 2,
  MsgTime: Math.floor(T / 1000),
  MsgKey: `${from}_2_${Math.floor(T / 1000)}`,
  SendMsgResult: 0,
});
const c2c = (from: string): PostedCallback => ({ atMs: T, command: 'C2C.CallbackAfterSendMsg', optPlatform: 'iOS', body: c2cBody(from) });

for (const kind of testDatabaseKinds()) {
  describe(`callback inbox limit (${kind})`, () => {
    let h: RestHarness;
    before(async () => {
      h = await openRestHarness(kind, { callbackInboxLimit: LIMIT });
    });
    after(() => h.close());

    const waiting = async () => Number((await h.store.db.selectFrom('callback_inbox').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

    test('at the limit a callback is answered non-zero and not stored; its retry after the backlog drained counts once', async () => {
      // A backlog nobody is applying yet: stored as the route stores, at the clock's now (the
      // server's poller takes only entries older than 5 s on its clock).
      h.clock.set(T);
      const unbounded = new CallbackInbox(h.store, { limit: 0 });
      for (const from of ['a1', 'a2', 'a3']) {
        await unbounded.add({ sdkappid: SDKAPPID, transport: 'tencent', receivedAt: T, meta: { command: 'C2C.CallbackAfterSendMsg', optPlatform: 'iOS' }, payload: JSON.stringify(c2cBody(from)) });
      }

      const refused = await postCallback(h, c2c('dave'));
      assert.equal(refused.statusCode, 200);
      const answer = refused.json() as { ActionStatus: string; ErrorCode: number; ErrorInfo: string };
      assert.equal(answer.ActionStatus, 'FAIL');
      assert.equal(answer.ErrorCode, 60007, answer.ErrorInfo);
      assert.match(answer.ErrorInfo, /3 or more callbacks waiting to be applied \(the limit is 3\); retry later/);
      assert.equal(await waiting(), LIMIT, 'the refused callback was not stored');

      // The backlog becomes old enough for the poller, which applies it.
      h.clock.set(T + 10_000);
      for (let i = 0; i < 300 && (await waiting()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(await waiting(), 0, 'the backlog was applied');

      const retried = (await postCallback(h, c2c('dave'), { delayS: 20 })).json() as { ErrorCode: number; ErrorInfo: string };
      assert.equal(retried.ErrorCode, 0, retried.ErrorInfo);
      const day = await dayNumbers(h, NOW_MS);
      assert.equal(day.C2CUpMsgNum, 4);
      assert.equal(day.C2CSendMsgUserNum, 4);
    });
  });
}
