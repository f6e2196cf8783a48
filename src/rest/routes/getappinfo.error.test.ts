import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { addDays } from '../../time/calendar-day.js';
import { testDatabaseKinds } from '../../../test/support/test-databases.js';
import { envelopeOf, openRestHarness, TODAY, type RestHarness } from '../../../test/support/rest-test-harness.js';

/** [body, what ErrorInfo must mention]: each is a 130001. */
const BAD_BODIES: ReadonlyArray<readonly [string | Buffer, RegExp]> = [
  ['{"RequestField":', /not valid JSON/],
  ["{'RequestField':[]}", /not valid JSON/],
  ['RequestField=LoginTimes', /not valid JSON/],
  [Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), /not valid UTF-8/],
  ['{"RequestField":[1,2]}', /RequestField\[0\] must be a string field name, got number 1/],
  ['{"RequestField":["LoginTimes",null]}', /RequestField\[1\] must be a string/],
  ['{"RequestField":"LoginTimes"}', /RequestField must be an array of field names, got "LoginTimes"/],
  ['{"RequestField":{"a":1}}', /RequestField must be an array.*object/],
  ['{"RequestField":["LoginTimes","NoSuchField"]}', /unknown field "NoSuchField" in RequestField/],
  ['{"RequestField":["activeusernum"]}', /unknown field "activeusernum".*did you mean "ActiveUserNum"/],
  ['["LoginTimes"]', /must be a JSON object, got a non-empty array/],
  ['42', /must be a JSON object, got number/],
  ['"x"', /must be a JSON object, got string/],
  [JSON.stringify({ StartDate: '20240230', EndDate: TODAY }), /StartDate must be a date written "YYYYMMDD", got "20240230"/],
  [JSON.stringify({ StartDate: '2024-06-01', EndDate: TODAY }), /StartDate must be a date/],
  [JSON.stringify({ StartDate: 20240601, EndDate: TODAY }), /StartDate must be a date.*number 20240601/],
  [JSON.stringify({ StartDate: TODAY, EndDate: addDays(TODAY, -1) }), /StartDate 20240615 is after EndDate 20240614/],
  [JSON.stringify({ StartDate: TODAY }), /StartDate and EndDate must be given together/],
  [JSON.stringify({ StartDate: addDays(TODAY, -36), EndDate: TODAY }), /outside the 35-day retention window \(earliest 20240511\)/],
  [JSON.stringify({ StartDate: TODAY, EndDate: addDays(TODAY, 1) }), /EndDate 20240616 is after today \(20240615 in Asia\/Shanghai\)/],
];

for (const kind of testDatabaseKinds()) {
  describe(`getappinfo bad input on ${kind}`, () => {
    let h: RestHarness;
    before(async () => {
      h = await openRestHarness(kind);
    });
    after(() => h.close());

    for (const [body, info] of BAD_BODIES) {
      const label = Buffer.isBuffer(body) ? `bytes ${body.toString('hex')}` : JSON.stringify(body);
      test(`${label} → 130001 saying so`, async () => {
        const env = envelopeOf(await h.call({ body }));
        assert.deepEqual([env.ActionStatus, env.ErrorCode], ['FAIL', 130001]);
        assert.match(env.ErrorInfo, info);
        assert.equal(env.Result, undefined);
      });
    }

    test('a 2 MiB body → 130001 naming the limit, and the server keeps serving', async () => {
      const big = `{"RequestField":[],"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`;
      const env = envelopeOf(await h.call({ body: big }));
      assert.equal(env.ErrorCode, 130001);
      assert.match(env.ErrorInfo, /larger than the 1048576-byte limit/);
      assert.equal(envelopeOf(await h.call({ body: '{}' })).ErrorCode, 0);
    });

    test('a body just under 1 MiB is accepted', async () => {
      const body = `{"pad":"${'x'.repeat(1024 * 1024 - 20)}"}`;
      assert.ok(Buffer.byteLength(body) <= 1024 * 1024);
      assert.equal(envelopeOf(await h.call({ body })).ErrorCode, 0);
    });

    test('a UTF-8 BOM-less body with non-ASCII unknown keys is fine', async () => {
      assert.equal(envelopeOf(await h.call({ body: '{"备注":"统计"}' })).ErrorCode, 0);
    });

    test('after every bad input the next ordinary call succeeds', async () => {
      assert.equal(envelopeOf(await h.call({ body: '{"RequestField":["LoginTimes"]}' })).ErrorCode, 0);
    });
  });
}
