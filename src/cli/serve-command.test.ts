import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../../test/support/test-databases.js';
import { DEMO_SDKAPPID } from './demo-app.js';
import { runCaptured } from './run-captured.js';
import { startServe } from '../../test/support/serve-in-process.js';

for (const kind of testDatabaseKinds()) {
  describe(`imstats serve (${kind})`, () => {
    let database: TestDatabase;

    before(async () => {
      database = await createTestDatabase(kind);
    });
    after(() => database.drop());

    test('--demo: first start creates and fills the demo app and prints a curl line that works', async () => {
      const serving = startServe(['--db', database.url, '--host', '127.0.0.1', '--port', '0', '--demo', '--demo-users', '60']);
      await serving.printed("-d '{}'\n");
      const out = serving.stdout();
      assert.match(out, /^imstats listening on http:\/\/127\.0\.0\.1:\d+ \(database: /m);
      assert.match(out, new RegExp(`^SDKAppID:\\s+${DEMO_SDKAPPID}$`, 'm'));
      assert.match(out, /^admin:\s+administrator$/m);
      assert.match(out, /^UserSig:\s+\S{100,}$/m);
      assert.match(out, /^secret key: [0-9a-f]{64}$/m, 'SDKs need the key to sign');
      const url = /^curl -s '([^']+)' -d '\{\}'$/m.exec(out)?.[1];
      assert.ok(url, out);
      assert.match(url, /\/v4\/openconfigsvr\/getappinfo\?sdkappid=1400000000&identifier=administrator&usersig=[^&]+&random=\d+&contenttype=json$/);
      const answer = (await (await fetch(url, { method: 'POST', body: '{}' })).json()) as { ErrorCode: number; Result: Record<string, string>[] };
      assert.equal(answer.ErrorCode, 0, JSON.stringify(answer));
      assert.equal(answer.Result.length, 30);
      assert.ok(answer.Result.every((d) => d.AppName === 'imstats demo' && d.Company === 'imstats'));
      assert.ok(answer.Result.some((d) => Number(d.UpMsgNum) > 0), 'the simulated days have messages');
      const run = await serving.stop();
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /^creating demo app 1400000000: simulating 30 days of 60 users/m);
      assert.match(run.stderr, /^demo data: \d+ events ingested in \d+ batches\n/m);
    });

    test('--demo: a second start reuses the data and prints a fresh UserSig', async () => {
      const serving = startServe(['--db', database.url, '--host', '127.0.0.1', '--port', '0', '--demo']);
      await serving.printed("-d '{}'\n");
      const url = /^curl -s '([^']+)'/m.exec(serving.stdout())![1]!;
      const answer = (await (await fetch(url, { method: 'POST', body: '[]' })).json()) as { ErrorCode: number; Result: unknown[] };
      assert.equal(answer.ErrorCode, 0);
      assert.equal(answer.Result.length, 30);
      const run = await serving.stop();
      assert.equal(run.code, 0);
      assert.match(run.stderr, /^demo app 1400000000 found with data; reusing it$/m);
      assert.doesNotMatch(run.stderr, /creating demo app/);
    });

    test('without --demo: serves and prints only the listening URL; IMSTATS_PORT and IMSTATS_DB are read', async () => {
      const serving = startServe(['--host', '127.0.0.1'], { IMSTATS_PORT: '0', IMSTATS_DB: database.url });
      await serving.printed('\n');
      const base = /^imstats listening on (http:\/\/127\.0\.0\.1:\d+) /.exec(serving.stdout())?.[1];
      assert.ok(base, serving.stdout());
      const health = await fetch(`${base}/healthz`);
      assert.equal(health.status, 200);
      const run = await serving.stop();
      assert.equal(run.code, 0);
      assert.equal(run.stdout.split('\n').filter(Boolean).length, 1);
    });

    test('serve errors: lone TLS file, unreadable TLS file, bad IMSTATS_PORT, port in use', async () => {
      const lone = await runCaptured(['serve', '--db', database.url, '--tls-cert', 'cert.pem']);
      assert.equal(lone.code, 1);
      assert.equal(lone.stderr, 'error: --tls-cert and --tls-key must be given together\n');
      const missing = await runCaptured(['serve', '--db', database.url, '--tls-cert', '/nonexistent/cert.pem', '--tls-key', '/nonexistent/key.pem']);
      assert.equal(missing.code, 1);
      assert.equal(missing.stderr, 'error: cannot read "/nonexistent/cert.pem"\n');
      const badEnv = await runCaptured(['serve', '--db', database.url], { env: { IMSTATS_PORT: 'http' } });
      assert.equal(badEnv.code, 1);
      assert.match(badEnv.stderr, /^error: IMSTATS_PORT must be a port number/);
      const tlsPortAlone = await runCaptured(['serve', '--db', database.url, '--tls-port', '8443']);
      assert.equal(tlsPortAlone.stderr, 'error: --tls-port needs --tls-cert and --tls-key\n');
      const badProxy = await runCaptured(['serve', '--db', database.url], { env: { IMSTATS_TRUST_PROXY: '10.0.0.0/99' } });
      assert.equal(badProxy.code, 1);
      assert.match(badProxy.stderr, /^error: --trust-proxy: .*expected addresses or CIDRs/);
      const badTimeout = await runCaptured(['serve', '--db', database.url], { env: { IMSTATS_REQUEST_TIMEOUT_MS: 'soon' } });
      assert.match(badTimeout.stderr, /^error: IMSTATS_REQUEST_TIMEOUT_MS: expected a positive integer/);
      const inverted = await runCaptured(['serve', '--db', database.url, '--header-timeout-ms', '9000', '--request-timeout-ms', '3000']);
      assert.equal(inverted.stderr, 'error: --header-timeout-ms must not exceed --request-timeout-ms\n');
      const badFlag = await runCaptured(['serve', '--db', database.url, '--port', '70000']);
      assert.equal(badFlag.code, 1);
      assert.match(badFlag.stderr, /--port.*expected a port number from 0 to 65535/);

      const blocker: Server = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const port = (blocker.address() as { port: number }).port;
      try {
        const busy = await runCaptured(['serve', '--db', database.url, '--host', '127.0.0.1', '--port', String(port)]);
        assert.equal(busy.code, 1);
        assert.equal(busy.stderr, `error: port ${port} is already in use; pick another with --port N or IMSTATS_PORT\n`);
      } finally {
        blocker.close();
      }
    });
  });
}
