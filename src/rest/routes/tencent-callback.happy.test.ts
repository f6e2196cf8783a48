import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabaseKinds } from '../../../test/support/test-databases.js';
import { NOW_MS, openRestHarness, type RestHarness } from '../../../test/support/rest-test-harness.js';
import { dayNumbers, dayOfCallbacks, expectedDay, postCallback, type PostedCallback } from '../../../test/support/tencent-callback-day.js';

const OK = { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' };

async function post(h: RestHarness, cb: PostedCallback, delayS = 1): Promise<{ ActionStatus: string; ErrorCode: number; ErrorInfo: string }> {
  const res = await postCallback(h, cb, { delayS });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/json');
  return res.json();
}

for (const kind of testDatabaseKinds()) {
  describe(`POST /v4/imstats/callback, a day of callbacks, on ${kind}`, () => {
    describe('delivered once', () => {
      let h: RestHarness;
      before(async () => {
        h = await openRestHarness(kind);
      });
      after(() => h.close());

      test('every callback is answered OK (the uncounted command too) and getappinfo gives the day', async () => {
        for (const cb of dayOfCallbacks()) {
          const answer = await post(h, cb);
          if (cb.command === 'C2C.CallbackBeforeSendMsg') {
            assert.deepEqual(answer, { ...OK, ErrorInfo: 'ignored: CallbackCommand "C2C.CallbackBeforeSendMsg" is not counted' });
          } else {
            assert.deepEqual(answer, OK, `${cb.command} at ${new Date(cb.atMs).toISOString()}`);
          }
        }
        // Every counted field, derived deliveries (C2CDownMsgNum 2, GroupDownMsgNum 8) included.
        assert.deepEqual(await dayNumbers(h, NOW_MS), expectedDay());
      });

      test('the answer has Tencent keys, in byte-wise order', async () => {
        const res = await postCallback(h, dayOfCallbacks()[0]!);
        assert.deepEqual(Object.keys(res.json()), ['ActionStatus', 'ErrorCode', 'ErrorInfo']);
      });
    });

    describe("delivered twice (Tencent's retry after each callback)", () => {
      let h: RestHarness;
      before(async () => {
        h = await openRestHarness(kind);
      });
      after(() => h.close());

      test('the retries are acknowledged as already applied and the numbers are those of one delivery', async () => {
        for (const cb of dayOfCallbacks()) {
          await post(h, cb, 1);
          const retry = await post(h, cb, 6);
          if (cb.command !== 'C2C.CallbackBeforeSendMsg') {
            assert.deepEqual(retry, { ...OK, ErrorInfo: 'OK: already applied (a retried delivery)' }, cb.command);
          }
        }
        assert.deepEqual(await dayNumbers(h, NOW_MS), expectedDay());
      });
    });

    describe('the whole day delivered again hours later', () => {
      let h: RestHarness;
      before(async () => {
        h = await openRestHarness(kind);
      });
      after(() => h.close());

      test('callbacks whose body identifies them count once; friend bodies carry no identity, so only those recount', async () => {
        const day = dayOfCallbacks();
        for (const cb of day) await post(h, cb);
        for (const cb of day) await post(h, cb, 3 * 3600);
        // Tencent's friend callbacks have no timestamp or id: a body seen again after the
        // 10-minute window cannot be told from a new add/delete of the same pair.
        assert.deepEqual(await dayNumbers(h, NOW_MS), { ...expectedDay(), ChainIncrease: 4, ChainDecrease: 2 });
      });
    });
  });
}
