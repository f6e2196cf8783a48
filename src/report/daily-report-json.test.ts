import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { COUNTED_FIELDS, isDerivedSum, zeroCounters, type Counters } from '../catalog/fields.js';
import { SUCCESS_ENVELOPE_JSON, successEnvelope } from '../rest/envelope.js';
import { GETAPPINFO_RESPONSE_SCHEMA } from '../rest/routes/getappinfo-response-schema.js';
import { AppsRepo, type App } from '../store/apps-repo.js';
import { StatsRepo } from '../store/stats-repo.js';
import type { Store } from '../store/store.js';
import { addDays } from '../time/calendar-day.js';
import { dayOfZone } from '../time/day-of.js';
import { openTestStore, testDatabaseKinds } from '../../test/support/test-databases.js';
import { dailyReport, type DayRange } from './daily-report.js';
import { dailyReportJson } from './daily-report-json.js';

const DAY_MS = 86_400_000;
const NOW_MS = Date.UTC(2024, 5, 15, 4, 0, 0);
const TODAY = dayOfZone('Asia/Shanghai').day(NOW_MS);

/** Names the schema serializer escapes (or not) in every way it can. */
const NAMES = [
  'Plain App',
  'Quote " and \\ backslash',
  'Control \u0001 tab \t newline \n',
  'Lone surrogate \ud800 here',
  '中文应用 😀',
  `A name of exactly forty-one characters ab`,
  `${'Long name with a " quote '.repeat(4)}and more`,
  '\u007f DEL and é',
];

/** The reference: dailyReport's DayReport objects through the route's response schema serializer. */
async function referenceBytes(serializer: FastifyInstance, stats: StatsRepo, app: App, range: DayRange): Promise<Buffer> {
  const days = await dailyReport(stats, app, range);
  const res = await serializer.inject({ method: 'POST', url: '/', payload: { days } });
  return res.rawPayload;
}

for (const kind of testDatabaseKinds()) {
  describe(`dailyReportJson on ${kind}`, () => {
    let store: Store;
    let stats: StatsRepo;
    let serializer: FastifyInstance;
    const apps: App[] = [];

    before(async () => {
      store = await openTestStore(kind);
      stats = new StatsRepo(store);
      const repo = new AppsRepo(store);
      serializer = Fastify();
      serializer.post('/', { schema: { response: GETAPPINFO_RESPONSE_SCHEMA } }, async (request) => successEnvelope((request.body as { days: unknown }).days));
      await serializer.ready();
      for (const [i, name] of NAMES.entries()) {
        const sdkappid = 1_400_200_000 + i;
        await repo.create({ sdkappid, name, company: `${name} Ltd`, createdAt: NOW_MS - (20 + i * 10) * DAY_MS });
        if (i % 2) await repo.setBaselines(sdkappid, { registeredUsers: 1000 + i, groups: 7 * i });
        // Some days with data, gaps between them, days before the default window, negative net changes.
        for (const back of [1, 2, 5, 17, 29, 33, 45, 70]) {
          if ((back + i) % 3 === 0) continue;
          const values: Partial<Counters> = {};
          for (const [j, f] of COUNTED_FIELDS.entries()) if (!isDerivedSum(f)) values[f] = (back * 1009 + j * 97 + i * 13) % 100_000;
          values.RegistUserNumTotal = back % 2 ? 40 + back : -(back % 7);
          values.GroupAllGroupNum = back % 5 ? 3 : -2;
          if (i === 3 && back === 2) values.LoginTimes = 1_234_567_890_123_456; // 16 digits, still exact in a double
          await store.db.insertInto('stats').values({ sdkappid, grain: 'day', bucket: addDays(TODAY, -back), dim: '', ...zeroCounters(), ...values }).execute();
        }
        apps.push((await repo.get(sdkappid))!);
      }
      // The stored columns of the derived sums are never read; a value there must not show.
      await store.db.updateTable('stats').set({ UpMsgNum: 999 }).where('sdkappid', '=', apps[0]!.sdkappid).execute();
    });
    after(async () => {
      await serializer.close();
      await store.close();
    });

    const ranges: Array<[string, (app: App) => DayRange]> = [
      ['the default window', () => ({ from: addDays(TODAY, -30), to: addDays(TODAY, -1) })],
      ['a range with today', () => ({ from: addDays(TODAY, -3), to: TODAY })],
      ['a range with data before it', () => ({ from: addDays(TODAY, -10), to: addDays(TODAY, -2) })],
      ['a range starting before the app', () => ({ from: addDays(TODAY, -90), to: addDays(TODAY, -40) })],
      ['one day', () => ({ from: addDays(TODAY, -5), to: addDays(TODAY, -5) })],
    ];
    for (const [what, rangeOf] of ranges) {
      test(`${what}: the bytes of dailyReport through the response schema's serializer`, async () => {
        for (const app of apps) {
          const range = rangeOf(app);
          const got = await dailyReportJson(stats, app, range, SUCCESS_ENVELOPE_JSON);
          const want = await referenceBytes(serializer, stats, app, range);
          assert.equal(got.toString('utf8'), want.toString('utf8'), `${app.name}`);
          assert.ok(got.equals(want), app.name);
        }
      });
    }

    test('an app with no stored day: zero days back to its creation, baselines as the totals', async () => {
      const repo = new AppsRepo(store);
      await repo.create({ sdkappid: 1_400_299_999, name: 'Empty', createdAt: NOW_MS - 3 * DAY_MS });
      const app = await repo.setBaselines(1_400_299_999, { registeredUsers: 12, groups: 3 });
      const range = { from: addDays(TODAY, -30), to: addDays(TODAY, -1) };
      const got = JSON.parse((await dailyReportJson(stats, app, range, SUCCESS_ENVELOPE_JSON)).toString('utf8')) as { Result: Record<string, string>[] };
      assert.deepEqual(
        got.Result.map((d) => [d.Date, d.LoginTimes, d.RegistUserNumTotal, d.GroupAllGroupNum]),
        [1, 2, 3].map((back) => [addDays(TODAY, -back), '0', '12', '3']),
      );
      assert.ok((await dailyReportJson(stats, app, range, SUCCESS_ENVELOPE_JSON)).equals(await referenceBytes(serializer, stats, app, range)));
    });
  });
}
