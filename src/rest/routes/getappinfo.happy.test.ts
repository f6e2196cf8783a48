import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { addDays } from '../../time/calendar-day.js';
import { testDatabaseKinds } from '../../../test/support/test-databases.js';
import { envelopeOf, openRestHarness, NOW_MS, TODAY, type RestHarness } from '../../../test/support/rest-test-harness.js';
import { specFieldNamesInWireOrder } from '../../../test/support/spec-fields.js';

/** The 32 names of metrics.md in the wire order api.md gives. */
const SPEC_FIELD_NAMES = specFieldNamesInWireOrder();

for (const kind of testDatabaseKinds()) {
  describe(`getappinfo answers on ${kind}`, () => {
    let h: RestHarness;
    before(async () => {
      h = await openRestHarness(kind);
      await h.seedDay(addDays(TODAY, -1), { LoginTimes: 42, ActiveUserNum: 7, RegistUserNumTotal: 5 });
      await h.seedDay(addDays(TODAY, -3), { LoginTimes: 9, RegistUserNumTotal: 10 });
      await h.seedDay(TODAY, { LoginTimes: 3 });
    });
    after(() => h.close());

    test('default: the 30 complete days before today, newest first, every value a string', async () => {
      const res = await h.call({ body: '{}' });
      const env = envelopeOf(res);
      assert.deepEqual([env.ActionStatus, env.ErrorCode, env.ErrorInfo], ['OK', 0, 'OK']);
      const days = env.Result!;
      assert.equal(days.length, 30);
      assert.deepEqual(
        days.map((d) => d.Date),
        Array.from({ length: 30 }, (_, i) => addDays(TODAY, -1 - i)),
      );
      for (const day of days) {
        assert.deepEqual(Object.keys(day), SPEC_FIELD_NAMES);
        for (const [k, v] of Object.entries(day)) assert.equal(typeof v, 'string', k);
      }
      assert.equal(days[0]!.LoginTimes, '42');
      assert.equal(days[0]!.ActiveUserNum, '7');
      assert.equal(days[1]!.LoginTimes, '0');
      assert.equal(days[2]!.LoginTimes, '9');
      assert.deepEqual([days[0]!.AppId, days[0]!.AppName, days[0]!.Company], ['1400000000', 'Demo App', 'ACME Ltd']);
      // Net fields are running totals of the stored daily changes.
      assert.deepEqual([days[2]!.RegistUserNumTotal, days[1]!.RegistUserNumTotal, days[0]!.RegistUserNumTotal], ['10', '10', '15']);
    });

    test('wire text: keys byte-wise sorted at the top, ErrorCode a bare integer, counters digit strings', async () => {
      const res = await h.call({ body: '{}' });
      assert.match(res.body, /^\{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"OK","Result":\[\{"APNSMsgNum":"0","ActiveUserNum":"7",/);
      // No bare number besides ErrorCode, no empty string anywhere.
      assert.doesNotMatch(res.body.replace('"ErrorCode":0,', ''), /":\d|:""/);
      assert.equal(res.headers['content-type'], 'application/json');
      assert.equal(res.statusCode, 200);
    });

    for (const body of ['', '{}', '[]', 'null', '{"RequestField":[]}', '{"RequestField":null}', '{"t":1700000000}', '{\n    \n}\n', '  {"Unknown":{"x":[1,2]}}  ']) {
      test(`body ${JSON.stringify(body)} means every field`, async () => {
        const env = envelopeOf(await h.call({ body }));
        assert.equal(env.ErrorCode, 0);
        assert.equal(env.Result!.length, 30);
        assert.equal(Object.keys(env.Result![0]!).length, 32);
      });
    }

    test('no body at all means every field', async () => {
      const env = envelopeOf(await h.call({ headers: {} }));
      assert.equal(env.ErrorCode, 0);
      assert.equal(Object.keys(env.Result![0]!).length, 32);
    });

    test('RequestField: the asked fields plus Date, whatever the order and duplicates', async () => {
      const env = envelopeOf(await h.call({ body: '{"RequestField":["LoginTimes","ActiveUserNum","LoginTimes"]}' }));
      assert.equal(env.Result!.length, 30);
      assert.deepEqual(env.Result![0], { ActiveUserNum: '7', Date: addDays(TODAY, -1), LoginTimes: '42' });
      const dateOnly = envelopeOf(await h.call({ body: '{"RequestField":["Date"]}' }));
      assert.deepEqual(dateOnly.Result![0], { Date: addDays(TODAY, -1) });
    });

    test('StartDate/EndDate: inclusive, today allowed (live), newest first', async () => {
      const env = envelopeOf(
        await h.call({ body: JSON.stringify({ StartDate: addDays(TODAY, -3), EndDate: TODAY, RequestField: ['LoginTimes'] }) }),
      );
      assert.deepEqual(env.Result, [
        { Date: TODAY, LoginTimes: '3' },
        { Date: addDays(TODAY, -1), LoginTimes: '42' },
        { Date: addDays(TODAY, -2), LoginTimes: '0' },
        { Date: addDays(TODAY, -3), LoginTimes: '9' },
      ]);
    });

    test('StartDate may reach back to the edge of the 35-day retention window', async () => {
      const env = envelopeOf(await h.call({ body: JSON.stringify({ StartDate: addDays(TODAY, -35), EndDate: addDays(TODAY, -35) }) }));
      assert.equal(env.ErrorCode, 0);
      assert.deepEqual(env.Result!.map((d) => d.Date), [addDays(TODAY, -35)]);
    });

    test("days before the app's creation are left out", async () => {
      await h.apps.create({ sdkappid: 1400000777, name: 'New', secretKey: 'k', createdAt: NOW_MS - 3 * 86_400_000 });
      const sig = h.sign({ sdkappid: 1400000777, key: 'k' });
      const env = envelopeOf(await h.call({ query: { sdkappid: '1400000777', usersig: sig }, body: '{}' }));
      assert.deepEqual(env.Result!.map((d) => d.Date), [addDays(TODAY, -1), addDays(TODAY, -2), addDays(TODAY, -3)]);
      assert.ok(env.Result!.every((d) => d.LoginTimes === '0' && d.AppId === '1400000777'));
    });

    test("days are the app's own: a Los Angeles app is still on the 14th at 04:00 UTC", async () => {
      await h.apps.create({ sdkappid: 1400000778, name: 'LA', secretKey: 'k', timezone: 'America/Los_Angeles', createdAt: NOW_MS - 90 * 86_400_000 });
      const sig = h.sign({ sdkappid: 1400000778, key: 'k' });
      const env = envelopeOf(await h.call({ query: { sdkappid: '1400000778', usersig: sig }, body: '{"RequestField":["Date"]}' }));
      assert.equal(env.Result![0]!.Date, '20240613');
      assert.equal(env.Result![29]!.Date, '20240515');
    });
  });
}
