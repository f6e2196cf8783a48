import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OPENIM_COMMANDS } from '../../events/adapters/openim-webhook/index.js';
import type { OpenImDelivery } from '../../simulate/openim-encoder.js';
import { testDatabaseKinds } from '../../../test/support/test-databases.js';
import { KEY, NOW_MS, openRestHarness, SDKAPPID, type RestHarness } from '../../../test/support/rest-test-harness.js';
import { userStatusBody } from '../../../test/support/openim-webhook-samples.js';
import { at, dayNumbers, httpAnswerOf, inboxRows, postWebhookOverHttp, SECRET, serveOverHttp, setOpenIm } from '../../../test/support/openim-webhook-day.js';

/** Apps beside the harness app: one with another secret, one fenced to addresses we are not, one fenced to loopback, one without OpenIM settings, one disabled. */
const OTHER_APP = SDKAPPID + 1;
const FENCED_APP = SDKAPPID + 2;
const LOOPBACK_APP = SDKAPPID + 3;
const BARE_APP = SDKAPPID + 4;
const DISABLED_APP = SDKAPPID + 5;
const OTHER_SECRET = 'other-app-secret-fedcba9876543210';

/** alice comes online at 09:00 (LoginTimes 1 when counted). */
const login = (user = 'alice'): OpenImDelivery => ({
  at: at('09:00'),
  command: OPENIM_COMMANDS.userOnline,
  operationID: `op-login-${user}`,
  body: userStatusBody('online', { userID: user, platformID: 2, platform: 'Android', seq: at('09:00') }),
});

for (const kind of testDatabaseKinds()) {
  describe(`POST /v4/imstats/openim/… over real HTTP: who may post, on ${kind}`, () => {
    let h: RestHarness;
    let origin: string;
    before(async () => {
      h = await openRestHarness(kind);
      for (const sdkappid of [OTHER_APP, FENCED_APP, LOOPBACK_APP, BARE_APP, DISABLED_APP]) {
        await h.apps.create({ sdkappid, name: `App ${sdkappid}`, secretKey: KEY, createdAt: NOW_MS - 60 * 86_400_000 });
      }
      await setOpenIm(h);
      await setOpenIm(h, { sdkappid: OTHER_APP, secret: OTHER_SECRET });
      await setOpenIm(h, { sdkappid: FENCED_APP, allowedSources: '10.0.0.0/8, 192.0.2.7, fd00::/8' });
      await setOpenIm(h, { sdkappid: LOOPBACK_APP, allowedSources: '127.0.0.1, ::1' });
      await setOpenIm(h, { sdkappid: DISABLED_APP });
      await h.apps.setEnabled(DISABLED_APP, false);
      origin = await serveOverHttp(h);
    });
    after(() => h.close());

    test('refusals name the problem in OpenIM\'s error shape, never echo a secret, and store nothing', async () => {
      const cases: [string, Parameters<typeof postWebhookOverHttp>[3], number, RegExp][] = [
        ['a wrong secret', { secret: 'guessed-secret-0123456789' }, 70062, /secret is not the app's/],
        ['the secret cut short', { secret: SECRET.slice(0, -1) }, 70062, /secret is not the app's/],
        ["another app's secret", { secret: OTHER_SECRET }, 70062, /secret is not the app's/],
        ['an app without OpenIM settings', { sdkappid: BARE_APP }, 70062, new RegExp(`app ${BARE_APP} has no OpenIM webhook secret yet`)],
        ['an unknown app', { sdkappid: 1400999999 }, 70020, /SDKAppID "1400999999" does not exist/],
        ['an SDKAppID that is not a number', { sdkappid: 'my-app' }, 70020, /SDKAppID "my-app" does not exist/],
        ['a disabled app', { sdkappid: DISABLED_APP }, 60006, new RegExp(`SDKAppID ${DISABLED_APP} is disabled`)],
        ['a source outside the allow-list, with the right secret', { sdkappid: FENCED_APP }, 70063, /127\.0\.0\.1 is not allowed/],
      ];
      for (const [name, options, code, message] of cases) {
        const a = httpAnswerOf(await postWebhookOverHttp(origin, h, login(), options));
        assert.deepEqual([a.actionCode, a.errCode, a.nextCode, a.errDlt], [1, code, 0, ''], `${name}: ${JSON.stringify(a)}`);
        assert.match(a.errMsg, message, name);
        for (const secret of [SECRET, OTHER_SECRET, 'guessed-secret-0123456789', SECRET.slice(0, -1)]) assert.ok(!a.errMsg.includes(secret), `${name} echoes a secret: ${a.errMsg}`);
      }
      for (const sdkappid of [SDKAPPID, OTHER_APP, FENCED_APP, BARE_APP, DISABLED_APP]) assert.equal(await inboxRows(h, sdkappid), 0, `inbox of ${sdkappid}`);
      for (const sdkappid of [SDKAPPID, OTHER_APP, FENCED_APP, BARE_APP]) assert.equal((await dayNumbers(h, NOW_MS, undefined, sdkappid)).LoginTimes, 0, `LoginTimes of ${sdkappid}`);
    });

    test('the same webhook with the right secret, or from an allowed source, is counted', async () => {
      for (const sdkappid of [SDKAPPID, LOOPBACK_APP]) {
        const a = httpAnswerOf(await postWebhookOverHttp(origin, h, login('bob'), { sdkappid }));
        assert.deepEqual([a.actionCode, a.errCode, a.errMsg], [0, 0, ''], `${sdkappid}: ${JSON.stringify(a)}`);
        assert.equal((await dayNumbers(h, NOW_MS, undefined, sdkappid)).LoginTimes, 1, `LoginTimes of ${sdkappid}`);
      }
    });
  });

  describe(`POST /v4/imstats/openim/… over real HTTP: the URL is checked before the body is read, on ${kind}`, () => {
    let h: RestHarness;
    let origin: string;
    /** 2 MiB: over the 1 MiB budget these suites give all callback bodies together, under the route's 8 MiB limit. */
    const big = `{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`;
    before(async () => {
      h = await openRestHarness(kind, { callbackBodyBudgetBytes: 1024 * 1024 });
      await setOpenIm(h);
      origin = await serveOverHttp(h);
    });
    after(() => h.close());

    test('a wrong secret or an unknown app with a 2 MiB body is refused for what it is, not for the body (which would not fit the budget)', async () => {
      assert.equal(httpAnswerOf(await postWebhookOverHttp(origin, h, login(), { secret: 'guessed-secret-0123456789', body: big })).errCode, 70062);
      assert.equal(httpAnswerOf(await postWebhookOverHttp(origin, h, login(), { sdkappid: 1400999999, body: big })).errCode, 70020);
    });

    test("with the right secret the same body is read, and refused by the callback bodies' shared budget: 60007, retry later", async () => {
      const a = httpAnswerOf(await postWebhookOverHttp(origin, h, login(), { body: big }));
      assert.deepEqual([a.actionCode, a.errCode, a.nextCode], [1, 60007, 0], JSON.stringify(a));
      assert.match(a.errMsg, /the most this server keeps at once; retry later/);
      assert.equal(httpAnswerOf(await postWebhookOverHttp(origin, h, login())).errCode, 0, 'a normal webhook still passes');
    });
  });
}
