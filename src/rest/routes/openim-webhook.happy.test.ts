import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ImEvent } from '../../events/event.js';
import { simulateEvents, simulationPlan, type SimulateOptions } from '../../simulate/index.js';
import { OPENIM_SIMULATION_KNOBS, openImDeliveries } from '../../simulate/openim-encoder.js';
import { eventToJson } from '../../simulate/write-ndjson.js';
import { buildApp } from '../../server/build-app.js';
import { testDatabaseKinds } from '../../../test/support/test-databases.js';
import { KEY, NOW_MS, openRestHarness, SDKAPPID, type RestHarness } from '../../../test/support/rest-test-harness.js';
import { answerOf, dayNumbers, dayOfWebhooks, expectedDay, postWebhook, setOpenIm, statsRows } from '../../../test/support/openim-webhook-day.js';

const SUCCESS = { actionCode: 0, errCode: 0, errDlt: '', errMsg: '', nextCode: 0 };
/** The app fed the same simulated workload as canonical NDJSON, for comparison. */
const NDJSON_APP: number = SDKAPPID + 1;

/**
 * The events an OpenIM stream can say, by this test's own rule (not the encoder's code): a
 * friend.add counts only when its reverse follows at the same instant (OpenIM's friendships are
 * mutual), and every push's vendor is the app's setting (OpenIM's webhook names none).
 */
function openImExpressible(events: readonly ImEvent[], vendor: string): ImEvent[] {
  const out: ImEvent[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.type === 'friend.add') {
      const next = events[i + 1];
      if (next?.type === 'friend.add' && next.time === e.time && next.user === e.peer && next.peer === e.user) {
        out.push(e, next);
        i++;
      }
      continue;
    }
    out.push(e.type === 'push' ? { ...e, vendor } : e);
  }
  return out;
}

for (const kind of testDatabaseKinds()) {
  describe(`POST /v4/imstats/openim/…, on ${kind}`, () => {
    describe('a hand-made day, each counted command once', () => {
      let h: RestHarness;
      before(async () => {
        h = await openRestHarness(kind);
        await setOpenIm(h);
      });
      after(() => h.close());

      test("every webhook is answered with OpenIM's success shape and getappinfo gives the day worked out by hand", async () => {
        for (const d of dayOfWebhooks()) {
          const answer = answerOf(await postWebhook(h, d));
          assert.equal(answer.actionCode, 0, `${d.command}: ${JSON.stringify(answer)}`);
          assert.equal(answer.nextCode, 0);
          assert.equal(answer.errCode, 0);
          if (d.command.startsWith('callbackBeforeSend') || d.command === 'callbackAfterSetGroupInfoCommand') assert.match(answer.errDlt, /^ignored: /);
        }
        assert.deepEqual(await dayNumbers(h, NOW_MS), expectedDay());
      });

      test("the answer has OpenIM's CommonCallbackResp keys in byte-wise order, as application/json", async () => {
        const res = await postWebhook(h, dayOfWebhooks()[0]!);
        assert.equal(res.headers['content-type'], 'application/json');
        assert.deepEqual(Object.keys(res.json()), ['actionCode', 'errCode', 'errDlt', 'errMsg', 'nextCode']);
      });
    });

    describe('a whole simulated day through the webhook route equals the same day through NDJSON, field by field', () => {
      let h: RestHarness;
      const options = (sdkappid: number): SimulateOptions => ({ sdkappid, days: 1, users: 80, seed: 15, start: '20240614', ...OPENIM_SIMULATION_KNOBS });
      before(async () => {
        h = await openRestHarness(kind);
        await h.apps.create({ sdkappid: NDJSON_APP, name: 'Same app over NDJSON', secretKey: KEY, createdAt: NOW_MS - 60 * 86_400_000 });
        await setOpenIm(h, { pushVendor: 'apns' });
      });
      after(() => h.close());

      test('getappinfo of the warm-up day and of the day are equal for all 29 counted fields, and not trivially', async () => {
        let posted = 0;
        const leftOut: string[] = [];
        for (const d of openImDeliveries(simulateEvents(options(SDKAPPID)), { onLeftOut: (e) => leftOut.push(e.type) })) {
          const answer = answerOf(await postWebhook(h, d));
          assert.deepEqual(answer, SUCCESS, `${d.command} at ${new Date(d.at).toISOString()}: ${JSON.stringify(answer)}`);
          posted++;
        }
        assert.ok(posted > 500, `${posted} webhooks`);
        assert.ok(leftOut.every((t) => t === 'friend.add'), `left out: ${leftOut.join(', ')}`);

        const reference = openImExpressible([...simulateEvents(options(NDJSON_APP))], 'apns');
        assert.equal(reference.filter((e) => e.type === 'friend.add').length + leftOut.length, [...simulateEvents(options(NDJSON_APP))].filter((e) => e.type === 'friend.add').length);
        h.clock.set(NOW_MS);
        for (let i = 0; i < reference.length; i += 2000) {
          const body = reference.slice(i, i + 2000).map(eventToJson).join('\n');
          const query = { ...h.defaultQuery(), sdkappid: String(NDJSON_APP), usersig: h.sign({ sdkappid: NDJSON_APP }) };
          const res = await h.call({ path: '/v4/imstats/ingest', query, body, headers: { 'content-type': 'application/x-ndjson' } });
          assert.equal(res.json().ErrorCode, 0, res.body);
          assert.equal(res.json().Rejected, 0, res.body);
        }

        const plan = simulationPlan(options(SDKAPPID));
        for (const day of [plan.warmUpDay, plan.start]) {
          const viaOpenIm = await dayNumbers(h, NOW_MS, day, SDKAPPID);
          const viaNdjson = await dayNumbers(h, NOW_MS, day, NDJSON_APP);
          assert.deepEqual(viaOpenIm, viaNdjson, day);
        }
        const day = await dayNumbers(h, NOW_MS, plan.start, SDKAPPID as number);
        for (const field of ['LoginTimes', 'MaxOnlineNum', 'C2CUpMsgNum', 'C2CDownMsgNum', 'GroupUpMsgNum', 'GroupDownMsgNum', 'C2CAPNSMsgNum', 'RegistUserNumTotal', 'GroupAllGroupNum']) {
          assert.ok(day[field]! > 0, `${field} is ${day[field]}`);
        }
      });

      test('getstats of the two days and of the day by hour, in total, per platform and per vendor, are equal row by row, and not trivially', async () => {
        // The same posted streams as the test above (the suite's database keeps them).
        const plan = simulationPlan(options(SDKAPPID));
        const hours = { Grain: 'hour', Start: `${plan.start}00`, End: `${plan.start}23` };
        const days = { Grain: 'day', Start: plan.warmUpDay, End: plan.start };
        const bodies = [days, { ...days, By: 'platform' }, { ...days, By: 'vendor' }, hours, { ...hours, By: 'platform' }];
        const rows: Record<string, Record<string, string>[]> = {};
        for (const body of bodies) {
          const viaOpenIm = await statsRows(h, NOW_MS, body, SDKAPPID);
          const viaNdjson = await statsRows(h, NOW_MS, body, NDJSON_APP);
          assert.deepEqual(viaOpenIm, viaNdjson, JSON.stringify(body));
          rows[JSON.stringify(body)] = viaOpenIm;
        }
        // Not trivially: several platforms log in on the day, messages are counted (the simulator's carry
        // no platform: "Unknown" on both paths), in several hours, and pushes have a vendor.
        const dayByPlatform = rows[JSON.stringify({ ...days, By: 'platform' })]!.filter((r) => r.Bucket === plan.start);
        const loginPlatforms = dayByPlatform.filter((r) => Number(r.LoginTimes) > 0).map((r) => r.Platform);
        assert.ok(loginPlatforms.length >= 3, `platforms with logins: ${loginPlatforms.join(', ')}`);
        assert.ok(dayByPlatform.reduce((n, r) => n + Number(r.C2CUpMsgNum), 0) > 0, 'messages per platform');
        const hourByPlatform = rows[JSON.stringify({ ...hours, By: 'platform' })]!;
        assert.equal(new Set(hourByPlatform.map((r) => r.Bucket)).size, 24);
        const busyHours = new Set(hourByPlatform.filter((r) => Number(r.LoginTimes) > 0 && r.Platform !== 'Unknown').map((r) => r.Bucket));
        assert.ok(busyHours.size >= 6, `hours with logins on a named platform: ${[...busyHours].join(', ')}`);
        assert.ok(hourByPlatform.some((r) => Number(r.GroupUpMsgNum) > 0), 'group messages by hour');
        const vendors = rows[JSON.stringify({ ...days, By: 'vendor' })]!.filter((r) => Number(r.PushNum) > 0).map((r) => r.Vendor);
        assert.deepEqual([...new Set(vendors)], ['apns']);
      });
    });

    describe('retried deliveries count once', () => {
      let h: RestHarness;
      before(async () => {
        h = await openRestHarness(kind);
        await setOpenIm(h);
      });
      after(() => h.close());

      test('each webhook delivered twice at once, and the whole day again hours later on a fresh server: the numbers of one delivery', async () => {
        const day = dayOfWebhooks();
        for (const d of day) {
          assert.equal(answerOf(await postWebhook(h, d)).actionCode, 0);
          const retry = answerOf(await postWebhook(h, d, { delayMs: 2000 }));
          assert.equal(retry.actionCode, 0);
          if (!retry.errDlt.startsWith('ignored')) assert.equal(retry.errDlt, 'already applied (a retried delivery)', d.command);
        }
        assert.deepEqual(await dayNumbers(h, NOW_MS), expectedDay());

        // A new server process has forgotten everything in memory; the applied batch ids are in the database.
        const fresh = buildApp({ store: h.store, nowMs: h.clock, answerCacheTtlMs: 0 });
        await fresh.ready();
        try {
          for (const d of day) {
            const res = await postWebhook({ ...h, app: fresh }, d, { delayMs: 3 * 3600_000 });
            assert.equal(answerOf(res).actionCode, 0, res.body);
          }
        } finally {
          await fresh.close();
        }
        assert.deepEqual(await dayNumbers(h, NOW_MS), expectedDay());
      });
    });
  });
}
