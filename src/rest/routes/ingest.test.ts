import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GETAPPINFO, NOW_MS, openRestHarness, type RestHarness } from '../../../test/support/rest-test-harness.js';
import { testDatabaseKinds } from '../../../test/support/test-databases.js';

const INGEST = '/v4/imstats/ingest';
/** 2024-06-14 10:00 in Asia/Shanghai: yesterday for the harness clock. */
const YESTERDAY_10AM = Date.parse('2024-06-14T10:00:00+08:00');

type IngestAnswer = {
  ActionStatus: string;
  ErrorCode: number;
  ErrorInfo: string;
  Accepted: number;
  Rejected: number;
  Duplicate: boolean;
  Errors: Array<{ Line: number; Reason: string }>;
};

for (const kind of testDatabaseKinds()) {
  describe(`POST /v4/imstats/ingest on ${kind}`, () => {
    let h: RestHarness;
    before(async () => {
      h = await openRestHarness(kind);
    });
    after(() => h.close());

    const yesterday = async () => {
      const res = await h.call({ body: JSON.stringify({ RequestField: ['LoginTimes', 'C2CUpMsgNum', 'CallBackReq'] }) });
      return (res.json() as { Result: Array<Record<string, string>> }).Result[0]!;
    };

    test('NDJSON in, numbers out through getappinfo; bad lines reported, the rest applied', async () => {
      const lines = [
        JSON.stringify({ type: 'user.login', time: YESTERDAY_10AM, user: 'alice' }),
        '{"type":"msg.c2c",',
        JSON.stringify({ type: 'msg.c2c', time: YESTERDAY_10AM + 1000, from: 'alice', to: 'bob' }),
        '',
        JSON.stringify({ type: 'teleport', time: YESTERDAY_10AM }),
        JSON.stringify({ type: 'user.login', time: YESTERDAY_10AM, user: 'carol', sdkappid: 1400000099 }),
      ];
      const res = await h.call({ path: INGEST, body: lines.join('\n') });
      assert.equal(res.statusCode, 200);
      const answer = res.json() as IngestAnswer;
      assert.equal(answer.ErrorCode, 0);
      assert.equal(answer.Accepted, 2);
      assert.equal(answer.Rejected, 3);
      assert.deepEqual(answer.Errors.map((e) => e.Line), [2, 5, 6]);
      assert.match(answer.Errors[0]!.Reason, /invalid JSON/);
      assert.match(answer.Errors[1]!.Reason, /unknown event type "teleport"/);
      assert.match(answer.Errors[2]!.Reason, /for app 1400000099/);
      assert.deepEqual(Object.keys(res.json()), [...Object.keys(res.json())].sort());
      const day = await yesterday();
      assert.equal(day.LoginTimes, '1');
      assert.equal(day.C2CUpMsgNum, '1');
    });

    test('a JSON array body, and an Idempotency-Key batch applied once', async () => {
      const body = JSON.stringify([{ type: 'callback', time: YESTERDAY_10AM, command: 'x', answered: true }]);
      const first = (await h.call({ path: INGEST, body, headers: { 'idempotency-key': 'cb-1' } })).json() as IngestAnswer;
      const second = (await h.call({ path: INGEST, body, headers: { 'idempotency-key': 'cb-1' } })).json() as IngestAnswer;
      assert.deepEqual([first.Duplicate, second.Duplicate, second.ErrorCode], [false, true, 0]);
      assert.equal((await yesterday()).CallBackReq, '1');
    });

    test('bad bodies: broken JSON array, non-UTF-8, unsigned callers', async () => {
      const broken = (await h.call({ path: INGEST, body: '[{"type":' })).json() as IngestAnswer;
      assert.equal(broken.Rejected, 1);
      assert.match(broken.Errors[0]!.Reason, /invalid JSON array/);
      const binary = (await h.call({ path: INGEST, body: Buffer.from([0xff, 0xfe, 0x00]) })).json() as IngestAnswer;
      assert.equal(binary.ErrorCode, 130001);
      assert.match(binary.ErrorInfo, /UTF-8/);
      const unsigned = (await h.call({ path: INGEST, query: { usersig: undefined }, body: '' })).json() as IngestAnswer;
      assert.equal(unsigned.ErrorCode, 70002);
      // Still serving.
      assert.equal(((await h.call({ path: GETAPPINFO, body: '{}' })).json() as IngestAnswer).ErrorCode, 0);
    });

    test('events from the future or before the retention window are rejected by reason', async () => {
      const body = [
        JSON.stringify({ type: 'friend.add', time: NOW_MS + 11 * 60_000, user: 'a', peer: 'b' }),
        JSON.stringify({ type: 'friend.add', time: NOW_MS - 40 * 86_400_000, user: 'a', peer: 'b' }),
      ].join('\n');
      const answer = (await h.call({ path: INGEST, body })).json() as IngestAnswer;
      assert.equal(answer.Accepted, 0);
      assert.match(answer.Errors[0]!.Reason, /future/);
      assert.match(answer.Errors[1]!.Reason, /retention window/);
    });
  });
}
