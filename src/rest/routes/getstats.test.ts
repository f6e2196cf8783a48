// POST /v4/imstats/getstats over real HTTP injection: the envelope, bad input (130001 naming the
// problem), authentication and the frequency limit shared with getappinfo, and day buckets equal
// to getappinfo's days field for field.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { COUNTED_FIELDS } from '../../catalog/fields.js';
import { ingestorForStore } from '../../ingest/ingestor-for-store.js';
import { testDatabaseKinds } from '../../../test/support/test-databases.js';
import { envelopeOf, NOW_MS, openRestHarness, SDKAPPID, TODAY, type RestHarness } from '../../../test/support/rest-test-harness.js';

const GETSTATS = '/v4/imstats/getstats';
const sh = (local: string) => Date.parse(`${local}+08:00`);

/** [body, what ErrorInfo must mention]: each is a 130001. */
const BAD_BODIES: ReadonlyArray<readonly [string, RegExp]> = [
  ['{"Grain":', /not valid JSON/],
  ['[1]', /must be a JSON object, got an array/],
  ['{"Grain":"week"}', /Grain must be "day" or "hour", got "week"/],
  ['{"By":"country"}', /By must be "platform", "vendor" or null, got "country"/],
  ['{"Start":"2024061"}', /Start must be a day written "YYYYMMDD" for Grain "day", got "2024061"/],
  ['{"Grain":"hour","Start":"20240615"}', /Start must be an hour written "YYYYMMDDHH" for Grain "hour", got "20240615"/],
  ['{"Grain":"hour","End":"2024061524"}', /End must be an hour/],
  ['{"Start":"20240615","End":"20240614"}', /Start 20240615 is after End 20240614/],
  ['{"Start":"20240501","End":"20240502"}', /Start 20240501 is outside the 35-day retention window \(earliest 20240511\)/],
  ['{"End":"20240616"}', /End 20240616 is after the current day \(20240615 in Asia\/Shanghai\)/],
  ['{"Grain":"hour","Start":"2024061500","End":"2024061513"}', /End 2024061513 is after the current hour \(2024061512/],
  ['{"Fields":["NoSuchField"]}', /unknown field "NoSuchField" in Fields/],
  ['{"Fields":["pushnum"]}', /did you mean "PushNum"/],
  ['{"Fields":"PushNum"}', /Fields must be an array of field names/],
  ['{"Fields":["AppName"]}', /unknown field "AppName"/],
  ['{"Grain":"hour","Fields":["ActiveUserNum7d"]}', /field ActiveUserNum7d is not offered with Grain "hour" \(WAU\/MAU is a day value\)/],
  ['{"By":"vendor","Fields":["LoginTimes"]}', /field LoginTimes is not offered with By "vendor"/],
  ['{"By":"platform","Fields":["RegistUserNumTotal"]}', /field RegistUserNumTotal is not offered with By "platform"/],
  ['{"Grain":"hour","Start":"2024051200","End":"2024061512"}', /more than 800 buckets/],
  ['{"StartDate":"20240601"}', /unknown key "StartDate" \(getstats takes By, End, Fields, Grain, Start\)/],
];

for (const kind of testDatabaseKinds()) {
  describe(`getstats over HTTP on ${kind}`, () => {
    let h: RestHarness;
    before(async () => {
      h = await openRestHarness(kind, { rateLimit: 1000 });
      const ingestor = ingestorForStore(h.store, { apps: h.apps, clock: () => NOW_MS });
      const e = (local: string, type: string, f: object) => ({ type, time: sh(`2024-06-${local}`), sdkappid: SDKAPPID, ...f });
      const events = [
        e('13T09:00:00', 'user.register', { user: 'ann' }),
        e('13T09:01:00', 'user.login', { user: 'ann', platform: 'Android' }),
        e('13T09:02:00', 'msg.c2c', { from: 'ann', to: 'ben', platform: 'Android' }),
        e('13T09:03:00', 'push', { chat: 'c2c', vendor: 'xiaomi', to: 'ben' }),
        e('14T23:30:00', 'user.login', { user: 'ben', platform: 'iOS' }),
        e('15T10:00:00', 'msg.group', { from: 'ben', group: 'g', platform: 'iOS' }),
        e('15T11:59:00', 'user.logout', { user: 'ben', platform: 'iOS' }),
      ];
      const result = await ingestor.ingest(events.map((value, i) => ({ line: i + 1, value })));
      assert.deepEqual(result.errors, []);
    });
    after(() => h.close());

    test('a big answer asked for gzip comes gzipped whole, with its Content-Length, and unzips to the identity answer', async () => {
      const body = '{"Grain":"hour","Start":"2024061300","End":"2024061512","By":"platform"}';
      const plain = await h.call({ path: GETSTATS, body });
      assert.ok(plain.rawPayload.length > 16 * 1024, `answer of ${plain.rawPayload.length} bytes`);
      const zipped = await h.call({ path: GETSTATS, body, headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' } });
      assert.equal(zipped.headers['content-encoding'], 'gzip');
      assert.equal(zipped.headers['transfer-encoding'], undefined);
      assert.equal(Number(zipped.headers['content-length']), zipped.rawPayload.length);
      assert.equal(gunzipSync(zipped.rawPayload).toString(), plain.body);
    });

    test('the envelope: keys byte-wise sorted, AsOf the newest event, every value a string', async () => {
      const res = await h.call({ path: GETSTATS, body: '{"Grain":"hour","Start":"2024061510","End":"2024061512","By":"platform","Fields":["ActiveUserNum","LoginTimes"]}' });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'application/json');
      const asOf = sh('2024-06-15T11:59:00');
      const row = (Bucket: string, Final: string, active: number, Platform: string) => ({ ActiveUserNum: String(active), Bucket, Final, LoginTimes: '0', Platform });
      // ann (Android, since the 13th) and ben (iOS, from the 14th until 11:59 on the 15th) are
      // online when 10 and 11 begin; now is 12:00:00, and no event has reached hour 12 yet.
      assert.equal(
        res.body,
        JSON.stringify({
          ActionStatus: 'OK',
          AsOf: String(asOf),
          ErrorCode: 0,
          ErrorInfo: 'OK',
          Grain: 'hour',
          Result: [
            row('2024061510', '1', 1, 'Android'),
            row('2024061510', '1', 1, 'iOS'),
            row('2024061511', '0', 1, 'Android'),
            row('2024061511', '0', 1, 'iOS'),
            row('2024061512', '0', 0, 'Android'),
            row('2024061512', '0', 0, 'iOS'),
          ],
          TimeZone: 'Asia/Shanghai',
        }),
      );
    });

    test('defaults: the 30 days ending today, every field of the day grain', async () => {
      const env = envelopeOf(await h.call({ path: GETSTATS, body: '' })) as { Result: Record<string, string>[] };
      // The app was created 60 days ago, so all 30 days are present, oldest first, today live.
      assert.equal(env.Result.length, 30);
      assert.equal(env.Result[0]!.Bucket, '20240517');
      assert.deepEqual(env.Result.at(-1)!, { ...env.Result.at(-1)!, Bucket: TODAY, Final: '0' });
      // 28 counted fields of the 32, 10 getstats-only, Bucket and Final.
      assert.equal(Object.keys(env.Result[0]!).length, 28 + 10 + 2);
      const hours = envelopeOf(await h.call({ path: GETSTATS, body: '{"Grain":"hour"}' })) as { Result: Record<string, string>[] };
      assert.deepEqual([hours.Result.length, hours.Result[0]!.Bucket, hours.Result.at(-1)!.Bucket], [24, '2024061413', '2024061512']);
    });

    test('day buckets equal getappinfo’s days, field for field', async () => {
      const appinfo = envelopeOf(await h.call({ body: JSON.stringify({ StartDate: '20240512', EndDate: TODAY }) })).Result!;
      const stats = envelopeOf(await h.call({ path: GETSTATS, body: '{"Start":"20240512","End":"20240615"}' })).Result!;
      assert.equal(stats.length, appinfo.length);
      const byDay = new Map(stats.map((r) => [r.Bucket, r]));
      for (const day of appinfo) for (const f of COUNTED_FIELDS) assert.equal(byDay.get(day.Date!)![f], day[f], `${day.Date} ${f}`);
      assert.equal(byDay.get('20240613')!.RegistUserNumTotal, '1');
      assert.equal(byDay.get('20240613')!.PushNum, '1');
    });

    for (const [body, info] of BAD_BODIES) {
      test(`${body} → 130001 saying so`, async () => {
        const env = envelopeOf(await h.call({ path: GETSTATS, body }));
        assert.deepEqual([env.ActionStatus, env.ErrorCode], ['FAIL', 130001]);
        assert.match(env.ErrorInfo, info);
      });
    }

    test('authenticated exactly like getappinfo', async () => {
      for (const query of [{ usersig: 'not-a-usersig' }, { identifier: 'nobody' }, { sdkappid: '1400009999' }]) {
        const stats = envelopeOf(await h.call({ path: GETSTATS, query, body: '{}' }));
        const appinfo = envelopeOf(await h.call({ query, body: '{}' }));
        assert.notEqual(stats.ErrorCode, 0);
        assert.equal(stats.ErrorCode, appinfo.ErrorCode, JSON.stringify(query));
      }
    });
  });

  test(`getstats counts in getappinfo’s frequency limit (${kind})`, async () => {
    const h = await openRestHarness(kind, { rateLimit: 2 });
    try {
      assert.equal(envelopeOf(await h.call({ body: '{}' })).ErrorCode, 0);
      assert.equal(envelopeOf(await h.call({ path: GETSTATS, body: '{}' })).ErrorCode, 0);
      assert.equal(envelopeOf(await h.call({ path: GETSTATS, body: '{}' })).ErrorCode, 60007);
      assert.equal(envelopeOf(await h.call({ body: '{}' })).ErrorCode, 60007);
    } finally {
      await h.close();
    }
  });
}
