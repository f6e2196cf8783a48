import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildApp } from '../server/build-app.js';
import { openStore } from '../store/store.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../../test/support/test-databases.js';
import { userStatusBody } from '../../test/support/openim-webhook-samples.js';
import { runCaptured, type CapturedRun } from './run-captured.js';

const NOW = Date.UTC(2025, 0, 15, 4, 0, 0);
const APP = '1400000001';
/** README "Feeding imstats from OpenIM": the URL path is /v4/imstats/openim/<SDKAppID>/<secret>; the default public URL is the default listen address, port 8080. */
const URL_LINE = new RegExp(`^url: http://127\\.0\\.0\\.1:8080/v4/imstats/openim/${APP}/([0-9a-f]{32})\\n`);

function assertUserError(run: CapturedRun, pattern: RegExp): void {
  assert.equal(run.code, 1, `exit code; stdout: ${run.stdout}`);
  assert.match(run.stderr, pattern);
  assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace');
  assert.equal(run.stdout, '');
}

for (const kind of testDatabaseKinds()) {
  describe(`imstats app openim set|show (${kind})`, () => {
    let database: TestDatabase;
    const cli = (...args: string[]) => runCaptured([...args, '--db', database.url], { now: () => NOW });
    const ok = (run: CapturedRun) => {
      assert.equal(run.code, 0, run.stderr);
      return run;
    };
    /** Posts alice's login to the URL `set` printed (+ `/<command>`) on a server over the same database; returns OpenIM's answer. */
    const postTo = async (url: string) => {
      const store = await openStore(database.url);
      const app = buildApp({ store, nowMs: () => Date.now(), answerCacheTtlMs: 0 });
      try {
        const res = await app.inject({
          method: 'POST',
          url: `${new URL(url).pathname}/callbackAfterUserOnlineCommand`,
          payload: JSON.stringify(userStatusBody('online', { userID: 'alice', seq: Date.now() })),
          headers: { 'content-type': 'application/json' },
        });
        return res.json() as { actionCode: number; errCode: number };
      } finally {
        await app.close();
        await store.close();
      }
    };
    let generatedUrl = '';

    before(async () => {
      database = await createTestDatabase(kind);
      ok(await cli('migrate'));
      ok(await cli('app', 'create', '--sdkappid', APP, '--name', 'Chat', '--company', 'Acme'));
      ok(await cli('app', 'create', '--sdkappid', '1400000002', '--name', 'Other', '--company', 'Acme'));
    });
    after(() => database.drop());

    test('set without options generates a secret and prints the url for webhooks.yml, then the defaults', async () => {
      const run = ok(await cli('app', 'openim', 'set', APP));
      const m = URL_LINE.exec(run.stdout);
      assert.ok(m, run.stdout);
      generatedUrl = run.stdout.split('\n')[0]!.slice('url: '.length);
      assert.equal(run.stdout.slice(m[0].length), 'push vendor: getui\nallowed sources: any\n');
      assert.match(run.stderr, /config\/webhooks\.yml/);
      assert.match(run.stderr, /not shown again/);
      // A second set is a new secret.
      const again = ok(await cli('app', 'openim', 'set', '1400000002'));
      assert.notEqual(/\/([0-9a-f]{32})\n/.exec(again.stdout)?.[1], m[1]);
    });

    test('show prints the settings and the time they were set, never the secret', async () => {
      const run = ok(await cli('app', 'openim', 'show', APP));
      assert.equal(run.stdout, `updated: ${new Date(NOW).toISOString()}\npush vendor: getui\nallowed sources: any\n`);
      assert.ok(!run.stdout.includes(generatedUrl.split('/').at(-1)!));
      assertUserError(await cli('app', 'openim', 'show', '1400000003'), /app 1400000003 has no OpenIM webhook settings; run imstats app openim set 1400000003/);
    });

    test('the printed url is the one the server accepts', async () => {
      assert.deepEqual(await postTo(generatedUrl), { actionCode: 0, errCode: 0, errDlt: '', errMsg: '', nextCode: 0 });
    });

    test('set with a given secret, a public URL with a path, a vendor and an allow-list', async () => {
      const run = ok(
        await cli('app', 'openim', 'set', APP, '--secret', 'my-own.secret_123~', '--public-url', 'https://im.example.com/stats/', '--push-vendor', 'FCM', '--allow-from', '10.0.0.0/8, 192.0.2.7,fd00::/8'),
      );
      assert.equal(run.stdout, `url: https://im.example.com/stats/v4/imstats/openim/${APP}/my-own.secret_123~\npush vendor: fcm\nallowed sources: 10.0.0.0/8, 192.0.2.7, fd00::/8\n`);
      assert.match(ok(await cli('app', 'openim', 'show', APP)).stdout, /^push vendor: fcm\nallowed sources: 10\.0\.0\.0\/8, 192\.0\.2\.7, fd00::\/8\n$/m);
      // The generated secret no longer works; inject's 127.0.0.1 is outside the new allow-list, which is checked first.
      assert.equal((await postTo(generatedUrl)).errCode, 70063);
    });

    test('--keep-secret changes only the other settings and prints no url; "" clears the allow-list', async () => {
      const run = ok(await cli('app', 'openim', 'set', APP, '--keep-secret', '--allow-from', ''));
      assert.equal(run.stdout, 'push vendor: fcm\nallowed sources: any\n');
      assert.equal((await postTo(`https://im.example.com/v4/imstats/openim/${APP}/my-own.secret_123~`)).errCode, 0);
      assert.equal((await postTo(generatedUrl)).errCode, 70062);
    });

    test('bad values are one-line errors that change nothing', async () => {
      assertUserError(await cli('app', 'openim', 'set', APP, '--secret', 'short'), /at least 16 characters, got 5/);
      assertUserError(await cli('app', 'openim', 'set', APP, '--secret', 'has/a/slash/in/it/0123'), /letters, digits and -\._~/);
      assertUserError(await cli('app', 'openim', 'set', APP, '--secret', 'x'.repeat(129)), /at most 128/);
      assertUserError(await cli('app', 'openim', 'set', APP, '--secret', 'abcdefghijklmnopq', '--keep-secret'), /either a secret or keep the current one/);
      assertUserError(await cli('app', 'openim', 'set', '1400000009'), /app 1400000009 does not exist/);
      assertUserError(await cli('app', 'openim', 'set', APP, '--push-vendor', 'Apple Push!'), /push vendor "Apple Push!" must be/);
      assertUserError(await cli('app', 'openim', 'set', APP, '--allow-from', '10.0.0.0/33'), /allowed sources: "10\.0\.0\.0\/33" is not an IP address or a CIDR block/);
      assertUserError(await cli('app', 'openim', 'set', APP, '--public-url', 'imstats.example.com'), /--public-url "imstats\.example\.com" is not a URL/);
      assertUserError(await cli('app', 'openim', 'set', APP, '--public-url', 'ftp://imstats.example.com'), /--public-url must start with http:\/\/ or https:\/\//);
      ok(await cli('app', 'create', '--sdkappid', '1400000003', '--name', 'Bare', '--company', 'Acme'));
      assertUserError(await cli('app', 'openim', 'set', '1400000003', '--keep-secret'), /app 1400000003 has no OpenIM secret to keep/);
      assertUserError(await cli('app', 'openim', 'show', 'abc'), /invalid for argument 'sdkappid'/);
      assert.equal(ok(await cli('app', 'openim', 'show', APP)).stdout, `updated: ${new Date(NOW).toISOString()}\npush vendor: fcm\nallowed sources: any\n`);
    });
  });
}
