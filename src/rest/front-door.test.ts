import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { testDatabaseKinds } from '../../test/support/test-databases.js';
import { codeOf, envelopeOf, GETAPPINFO, KEY, NOW_MS, openRestHarness, SDKAPPID, type RestHarness } from '../../test/support/rest-test-harness.js';
import { CALLBACK_PATH } from '../../test/support/tencent-callback-day.js';

// Issue 11 (2), (3), (7), (8), (9) through inject(): compressed bodies, callback checks, replays, logs.

const FIELDS = '{"RequestField":["LoginTimes"]}';

describe('compressed request bodies', () => {
  let h: RestHarness;
  before(async () => {
    h = await openRestHarness('sqlite', { rateLimit: 100_000 });
  });
  after(() => h.close());
  const call = (payload: Buffer, encoding: string) => h.app.inject({ method: 'POST', url: `${GETAPPINFO}?${new URLSearchParams(h.defaultQuery())}`, payload, headers: { 'content-encoding': encoding } });

  test('gzip, x-gzip, deflate (zlib and raw) and identity bodies are decompressed and answered', async () => {
    for (const [encoding, payload] of [
      ['gzip', gzipSync(FIELDS)],
      ['x-gzip', gzipSync(FIELDS)],
      ['deflate', deflateSync(FIELDS)],
      ['deflate', deflateRawSync(FIELDS)],
      ['identity', Buffer.from(FIELDS)],
      ['GZIP', gzipSync(FIELDS)],
    ] as const) {
      const env = envelopeOf(await call(payload, encoding));
      assert.equal(env.ErrorCode, 0, `${encoding}: ${env.ErrorInfo}`);
      assert.deepEqual(Object.keys(env.Result![0]!), ['Date', 'LoginTimes'], encoding);
    }
    assert.equal(codeOf(await call(gzipSync(''), 'gzip')), 0, 'an empty body, compressed');
  });

  test('a zip bomb (100 MiB of zeros in 100 KB) is refused at the 1 MiB limit with 130001 naming the problem', async () => {
    const bomb = gzipSync(Buffer.alloc(100 * 1024 * 1024));
    assert.ok(bomb.length < 200_000);
    const env = envelopeOf(await call(bomb, 'gzip'));
    assert.equal(env.ErrorCode, 130001);
    assert.match(env.ErrorInfo, /larger than the 1048576-byte limit once decompressed/);
  });

  test('bogus compressed data and unsupported encodings get 60002 naming the problem', async () => {
    const bogus = envelopeOf(await call(Buffer.from('this is not gzip at all'), 'gzip'));
    assert.equal(bogus.ErrorCode, 60002);
    assert.match(bogus.ErrorInfo, /not valid gzip data/);
    const truncated = envelopeOf(await call(gzipSync(FIELDS).subarray(0, 15), 'gzip'));
    assert.equal(truncated.ErrorCode, 60002, truncated.ErrorInfo);
    const br = envelopeOf(await call(Buffer.from(FIELDS), 'br'));
    assert.equal(br.ErrorCode, 60002);
    assert.match(br.ErrorInfo, /Content-Encoding "br" is not supported/);
  });

  test('fuzz: any bytes under any of the encodings get an envelope answer (never a hang, never a 5xx)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.constantFrom('gzip', 'deflate', 'identity', 'x-gzip', 'gzip, deflate', 'compress'), fc.boolean(), async (bytes, encoding, wrap) => {
        const payload = wrap ? Buffer.concat([gzipSync(FIELDS).subarray(0, 10), Buffer.from(bytes)]) : Buffer.from(bytes);
        const res = await call(payload, encoding);
        assert.equal(res.statusCode, 200);
        assert.ok([0, 130001, 60002].includes(codeOf(res)), res.body);
      }),
      { numRuns: 150 },
    );
  });
});

describe('callbacks: checked before the body, bounded memory', () => {
  const TOKEN = 'a3f1c29d8e7b6a5f4e3d2c1b0a998877';
  const SIGNED = 1400000555;
  let h: RestHarness;
  before(async () => {
    h = await openRestHarness('sqlite', { callbackBodyBudgetBytes: 1024 * 1024 });
    await h.apps.create({ sdkappid: SIGNED, name: 'Signed', secretKey: KEY, createdAt: NOW_MS - 86_400_000 });
    await h.apps.setCallbackToken(SIGNED, TOKEN);
    await h.apps.create({ sdkappid: 1400000556, name: 'Off', secretKey: KEY });
    await h.apps.setCallbackToken(1400000556, TOKEN);
    await h.apps.setEnabled(1400000556, false);
  });
  after(() => h.close());
  const requestTime = () => String(Math.floor(h.clock() / 1000));
  const signOf = (t: string, token = TOKEN) => createHash('sha256').update(token + t).digest('hex');
  const callback = (sdkappid: number | string, query: Record<string, string>, payload: string | Buffer = '{}') =>
    h.app.inject({ method: 'POST', url: `${CALLBACK_PATH}?${new URLSearchParams({ SdkAppid: String(sdkappid), CallbackCommand: 'Sns.CallbackFriendAdd', ...query })}`, payload });

  test('unknown app and bad Sign get one answer; disabled is told only after a good Sign', async () => {
    const t = requestTime();
    for (const query of [{}, { RequestTime: t, Sign: signOf(t, 'guess') }, { RequestTime: t }] as Record<string, string>[]) {
      const known = await callback(SIGNED, query);
      const unknown = await callback(1400999999, query);
      assert.equal(known.body, unknown.body, JSON.stringify(query));
      assert.equal(codeOf(known), 70060);
      assert.doesNotMatch(unknown.body, /does not exist|1400999999/);
    }
    assert.equal(codeOf(await callback(1400000556, { RequestTime: t, Sign: signOf(t, 'guess') })), 70060, 'disabled, bad Sign: not told');
    assert.equal(codeOf(await callback(1400000556, { RequestTime: t, Sign: signOf(t) })), 60006, 'disabled, good Sign: told');
  });

  test('the memory all callback bodies hold together is bounded: over it, 60007 (retry later)', async () => {
    const t = requestTime();
    const big = JSON.stringify({ CallbackCommand: 'Sns.CallbackFriendAdd', pad: 'x'.repeat(1_200_000) });
    const env = envelopeOf(await callback(SIGNED, { RequestTime: t, Sign: signOf(t) }, big));
    assert.equal(env.ErrorCode, 60007);
    assert.match(env.ErrorInfo, /retry later/);
    // Given back: a small one passes afterwards, and so does a second big one's refusal (nothing leaked).
    const small = await callback(SIGNED, { RequestTime: t, Sign: signOf(t) }, JSON.stringify({ CallbackCommand: 'Sns.CallbackFriendAdd', PairList: [] }));
    assert.notEqual(codeOf(small), 60007, small.body);
  });
});

for (const kind of testDatabaseKinds()) {
  describe(`callback replays on ${kind}`, () => {
    const TOKEN = 'feedfacefeedfacefeedfacefeedface';
    const SIGNED = 1400000600;
    let h: RestHarness;
    before(async () => {
      h = await openRestHarness(kind);
      await h.apps.create({ sdkappid: SIGNED, name: 'Signed', secretKey: KEY, createdAt: NOW_MS - 86_400_000 });
      await h.apps.setCallbackToken(SIGNED, TOKEN);
    });
    after(() => h.close());
    const login = (user: string) =>
      JSON.stringify({ CallbackCommand: 'State.StateChange', EventTime: h.clock() - 1000, Info: { Action: 'Login', To_Account: user, Reason: 'Register' } });
    const post = (t: string, body: string) =>
      h.app.inject({
        method: 'POST',
        url: `${CALLBACK_PATH}?${new URLSearchParams({ SdkAppid: String(SIGNED), CallbackCommand: 'State.StateChange', OptPlatform: 'iOS', RequestTime: t, Sign: createHash('sha256').update(TOKEN + t).digest('hex') })}`,
        payload: body,
      });

    test('a captured (RequestTime, Sign) is refused with another body after its burst; the same body (a retry) and same-second siblings pass', async () => {
      h.clock.set(NOW_MS);
      const t = String(Math.floor(NOW_MS / 1000));
      const first = login('u1');
      assert.equal(codeOf(await post(t, first)), 0);
      h.clock.advance(500);
      assert.equal(codeOf(await post(t, login('u2'))), 0, 'another callback of the same second');
      h.clock.advance(10_000);
      const forged = envelopeOf(await post(t, login('forged')));
      assert.equal(forged.ErrorCode, 70060);
      assert.match(forged.ErrorInfo, /first used 11 s ago with another body; refused as a replay/);
      assert.equal(codeOf(await post(t, first)), 0, 'the same body again is a retried delivery');
      for (let i = 0; i < 5; i++) assert.equal(codeOf(await post(t, login(`forged${i}`))), 70060);
      const t2 = String(Math.floor(h.clock() / 1000));
      assert.equal(codeOf(await post(t2, login('u3'))), 0, 'a fresh RequestTime is a fresh pair');
      // Every node sees the pairs: they are rows in the database.
      const rows = await h.store.db.selectFrom('callback_sign_uses').selectAll().where('sdkappid', '=', SIGNED).execute();
      assert.equal(rows.length, 3);
    });
  });
}

describe('answers and logs', () => {
  test('--log lines carry the ErrorCode and never a UserSig or a Sign; 70020 says itself once', async (t) => {
    const lines: string[] = [];
    const h = await openRestHarness('sqlite', { logger: true, logStream: { write: (line) => void lines.push(line) } });
    t.after(() => h.close());
    const sig = h.sign();
    await h.call({ query: { usersig: sig }, body: '{}' });
    await h.call({ query: { sdkappid: '1400999999', usersig: sig }, body: '{}' });
    await h.app.inject({ method: 'POST', url: `/V4/openconfigsvr/getappinfo?usersig=${sig}` });
    await h.app.inject({ method: 'POST', url: `${CALLBACK_PATH}?SdkAppid=${SDKAPPID}&CallbackCommand=X&RequestTime=1&Sign=${'ab'.repeat(32)}` });
    const completed = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request completed');
    assert.deepEqual(completed.map((l) => l.res.ErrorCode), [0, 70020, 60009, 0]);
    const text = lines.join('');
    assert.ok(!text.includes(sig.slice(0, 24)), 'a UserSig in the log');
    assert.ok(!text.includes('ab'.repeat(32)), 'a Sign in the log');
    const unknown = envelopeOf(await h.call({ query: { sdkappid: '1400999999', usersig: sig }, body: '{}' }));
    assert.equal(unknown.ErrorInfo, 'SDKAppID does not exist: "1400999999"');
  });
});
