import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { OPENIM_COMMANDS } from '../../events/adapters/openim-webhook/index.js';
import type { OpenImDelivery } from '../../simulate/openim-encoder.js';
import { testDatabaseKinds } from '../../../test/support/test-databases.js';
import { NOW_MS, openRestHarness, type RestHarness } from '../../../test/support/rest-test-harness.js';
import { groupMsgBody, singleMsgBody } from '../../../test/support/openim-webhook-samples.js';
import { at, dayNumbers, httpAnswerOf, inboxRows, postWebhookOverHttp, serveOverHttp, setOpenIm, type HttpPostOptions } from '../../../test/support/openim-webhook-day.js';

/** OpenIM's limit for this route, as README "Feeding imstats from OpenIM" states it: 8 MiB. */
const EIGHT_MIB = 8 * 1024 * 1024;

/** A one-to-one message alice → bob at 09:10, with body fields replaced. */
const c2c = (fields: Record<string, unknown> = {}): OpenImDelivery => ({
  at: at('09:10'),
  command: OPENIM_COMMANDS.singleMsg,
  operationID: 'op-c2c',
  body: singleMsgBody({ sendID: 'alice', recvID: 'bob', serverMsgID: 'm-1', sendTime: at('09:10'), ...fields }),
});

const without = (key: string): OpenImDelivery => {
  const d = c2c();
  const { [key]: _dropped, ...rest } = d.body as Record<string, unknown>;
  return { ...d, body: rest };
};

for (const kind of testDatabaseKinds()) {
  describe(`POST /v4/imstats/openim/… over real HTTP: malformed bodies, on ${kind}`, () => {
    let h: RestHarness;
    let origin: string;
    before(async () => {
      h = await openRestHarness(kind);
      await setOpenIm(h);
      origin = await serveOverHttp(h);
    });
    after(() => h.close());

    test("each malformed body is answered 130001 in OpenIM's error shape naming what is wrong, and nothing is stored", async () => {
      const cases: [string, OpenImDelivery, HttpPostOptions, RegExp][] = [
        ['an empty body', c2c(), { body: '' }, /webhook body is empty; a JSON object is expected/],
        ['a body cut short', c2c(), { body: '{"sendID":"alice","recvID":' }, /webhook body is not valid JSON/],
        ['bytes that are not UTF-8', c2c(), { body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) }, /webhook body is not valid UTF-8/],
        ['a JSON array', c2c(), { body: '[{"sendID":"alice"}]' }, /the body must be a JSON object, got an array/],
        ['a JSON string', c2c(), { body: '"hello"' }, /the body must be a JSON object, got the string "hello"/],
        ['no sendID', without('sendID'), {}, /sendID/],
        ['no recvID', without('recvID'), {}, /recvID/],
        ['sendID a number', c2c({ sendID: 42 }), {}, /sendID/],
        ['sendTime a string', c2c({ sendTime: 'yesterday' }), {}, /sendTime/],
        ['sendTime and createTime both 0', c2c({ sendTime: 0, createTime: 0 }), {}, /sendTime and createTime are both missing or 0/],
        ["the body of another command than the URL's", { ...c2c(), body: groupMsgBody({ serverMsgID: 'm-2', sendTime: at('09:10') }) }, {}, /callbackCommand "callbackAfterSendGroupMsgCommand" differs from the URL's "callbackAfterSendSingleMsgCommand"/],
        ['a message sent in 2001, outside the retention window', c2c({ sendTime: Date.UTC(2001, 0, 1), createTime: Date.UTC(2001, 0, 1) }), {}, /nothing could be counted/],
        ['a body over 8 MiB', c2c(), { body: `{"pad":"${'x'.repeat(EIGHT_MIB)}"}` }, /larger than the 8388608-byte limit/],
        ['a gzip body over 8 MiB once decompressed', c2c(), { body: gzipSync(`{"pad":"${' '.repeat(EIGHT_MIB)}"}`), headers: { 'content-encoding': 'gzip' } }, /once decompressed/],
      ];
      for (const [name, d, options, message] of cases) {
        const a = httpAnswerOf(await postWebhookOverHttp(origin, h, d, options));
        assert.deepEqual([a.actionCode, a.errCode, a.nextCode], [1, 130001, 0], `${name}: ${JSON.stringify(a)}`);
        assert.match(a.errMsg, message, `${name}: ${a.errMsg}`);
      }
      assert.equal(await inboxRows(h), 0);
      const day = await dayNumbers(h, NOW_MS);
      assert.deepEqual(Object.entries(day).filter(([, v]) => v !== 0), [], 'nothing counted');
    });

    test('an unknown command is acknowledged and ignored, whatever its body', async () => {
      for (const body of ['', 'not json', '{"callbackCommand":"somethingElse"}']) {
        const a = httpAnswerOf(await postWebhookOverHttp(origin, h, c2c(), { command: 'callbackAfterSomethingNewCommand', body }));
        assert.deepEqual([a.actionCode, a.errCode, a.nextCode], [0, 0, 0], JSON.stringify(a));
        assert.match(a.errDlt, /^ignored: "callbackAfterSomethingNewCommand" is not counted/);
      }
      assert.equal(await inboxRows(h), 0);
    });

    test('the well-formed message, sent after all that, is counted once', async () => {
      const a = httpAnswerOf(await postWebhookOverHttp(origin, h, c2c()));
      assert.deepEqual([a.actionCode, a.errCode, a.errMsg], [0, 0, ''], JSON.stringify(a));
      const day = await dayNumbers(h, NOW_MS);
      assert.deepEqual([day.C2CUpMsgNum, day.C2CSendMsgUserNum], [1, 1]);
    });
  });
}
