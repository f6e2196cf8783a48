import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { testDatabaseKinds } from '../../../test/support/test-databases.js';
import { ERROR_CODES } from '../error-codes.js';
import { KEY, NOW_MS, openRestHarness, type RestHarness } from '../../../test/support/rest-test-harness.js';
import { at, dayNumbers, dayOfCallbacks, postCallback, type PostedCallback } from '../../../test/support/tencent-callback-day.js';

const TOKEN = 'a3f1c29d8e7b6a5f4e3d2c1b0a998877';
const SIGNED_APP = 1400000555;

type Answer = { ActionStatus: string; ErrorCode: number; ErrorInfo: string };

/** Sign computed here, independently of the route's code. */
const signOf = (requestTime: string, token = TOKEN) => createHash('sha256').update(token + requestTime).digest('hex');

/** A login at 09:00 (counted as LoginTimes when accepted). */
const login = (user: string): PostedCallback => ({
  atMs: at('09:00'),
  command: 'State.StateChange',
  optPlatform: 'Android',
  body: { CallbackCommand: 'State.StateChange', EventTime: at('09:00') + user.length, Info: { Action: 'Login', To_Account: user, Reason: 'Register' } },
});

for (const kind of testDatabaseKinds()) {
  describe(`POST /v4/imstats/callback, callback token, on ${kind}`, () => {
    let h: RestHarness;
    before(async () => {
      h = await openRestHarness(kind);
      await h.apps.create({ sdkappid: SIGNED_APP, name: 'Signed', secretKey: KEY, createdAt: NOW_MS - 86_400_000 * 60 });
      await h.apps.setCallbackToken(SIGNED_APP, TOKEN);
    });
    after(() => h.close());

    const post = async (cb: PostedCallback, query: Record<string, string | undefined>): Promise<Answer> => {
      const res = await postCallback(h, cb, { sdkappid: SIGNED_APP, query });
      assert.equal(res.statusCode, 200);
      return res.json();
    };
    /** RequestTime `offsetS` seconds from the callback's arrival (the event time + 1 s). */
    const requestTime = (cb: PostedCallback, offsetS = 0) => String(Math.floor(cb.atMs / 1000) + 1 + offsetS);

    test('a callback signed with the token is accepted and counted', async () => {
      const cb = login('signed_ok');
      const t = requestTime(cb);
      assert.deepEqual(await post(cb, { RequestTime: t, Sign: signOf(t) }), { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
    });

    test('wrong, missing or malformed signs and stale, future or missing RequestTimes are refused and count nothing', async () => {
      const cb = login('intruder');
      const t = requestTime(cb);
      const cases: [string, Record<string, string | undefined>, number, RegExp][] = [
        ['no Sign', { RequestTime: t }, ERROR_CODES.CALLBACK_BAD_SIGN.code, /Sign is missing/],
        ['no Sign, no RequestTime (unsigned)', {}, ERROR_CODES.CALLBACK_BAD_SIGN.code, /Sign is missing/],
        ['sign made with another token', { RequestTime: t, Sign: signOf(t, 'guessed-token') }, ERROR_CODES.CALLBACK_BAD_SIGN.code, /does not match/],
        ['sign of another RequestTime', { RequestTime: t, Sign: signOf(requestTime(cb, -1)) }, ERROR_CODES.CALLBACK_BAD_SIGN.code, /does not match/],
        ['sign not hex', { RequestTime: t, Sign: 'x'.repeat(64) }, ERROR_CODES.CALLBACK_BAD_SIGN.code, /64 hex digits/],
        ['no RequestTime', { Sign: signOf('') }, ERROR_CODES.CALLBACK_BAD_REQUEST_TIME.code, /RequestTime is missing/],
        ['RequestTime in milliseconds', { RequestTime: `${t}000`, Sign: signOf(`${t}000`) }, ERROR_CODES.CALLBACK_BAD_REQUEST_TIME.code, /must be Unix seconds/],
        ['stale RequestTime (5 min 1 s)', { RequestTime: requestTime(cb, -301), Sign: signOf(requestTime(cb, -301)) }, ERROR_CODES.CALLBACK_BAD_REQUEST_TIME.code, /301 s old/],
        ['future RequestTime (5 min 1 s)', { RequestTime: requestTime(cb, 301), Sign: signOf(requestTime(cb, 301)) }, ERROR_CODES.CALLBACK_BAD_REQUEST_TIME.code, /301 s in the future/],
        ['RequestTime not a number', { RequestTime: 'now', Sign: signOf('now') }, ERROR_CODES.CALLBACK_BAD_REQUEST_TIME.code, /must be Unix seconds/],
      ];
      for (const [name, query, code, info] of cases) {
        const a = await post(cb, query);
        assert.equal(a.ActionStatus, 'FAIL', name);
        assert.equal(a.ErrorCode, code, `${name}: ${a.ErrorInfo}`);
        assert.match(a.ErrorInfo, info, name);
        assert.doesNotMatch(a.ErrorInfo, new RegExp(TOKEN), name);
      }
      // Exactly 5 minutes off is still accepted.
      const edge = login('edge_user');
      const edgeTime = requestTime(edge, -300);
      assert.equal((await post(edge, { RequestTime: edgeTime, Sign: signOf(edgeTime) })).ErrorCode, 0);
    });

    test('only the signed callbacks were counted', async () => {
      h.clock.set(NOW_MS);
      const res = await h.call({
        query: { sdkappid: String(SIGNED_APP), usersig: h.sign({ sdkappid: SIGNED_APP }) },
        body: JSON.stringify({ StartDate: '20240614', EndDate: '20240614', RequestField: ['LoginTimes', 'LoginUserNum'] }),
      });
      const day = (res.json() as { Result: Record<string, string>[] }).Result[0]!;
      assert.deepEqual([day.LoginTimes, day.LoginUserNum], ['2', '2'], 'signed_ok and edge_user; the intruder never');
      assert.equal((await dayNumbers(h, NOW_MS)).LoginTimes, 0, 'and nothing went to the other app');
    });
  });

  describe(`POST /v4/imstats/callback, no callback token, on ${kind}`, () => {
    let h: RestHarness;
    before(async () => {
      h = await openRestHarness(kind);
    });
    after(() => h.close());

    test('an app without a token accepts unsigned callbacks, and ignores Sign and RequestTime when sent', async () => {
      const [first, second] = dayOfCallbacks();
      assert.deepEqual((await postCallback(h, first!)).json(), { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
      const junk = await postCallback(h, second!, { query: { RequestTime: '1', Sign: 'nonsense' } });
      assert.deepEqual(junk.json(), { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
      assert.equal((await dayNumbers(h, NOW_MS)).LoginTimes, 2);
    });
  });
}
