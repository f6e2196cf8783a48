import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../../test/support/test-databases.js';
import { startServe } from '../../test/support/serve-in-process.js';
import { AppsRepo } from '../store/apps-repo.js';
import { openStore } from '../store/store.js';
import { runCaptured } from './run-captured.js';

const APP = '1400000077';
const hasOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** POSTs over node:http or node:https (trusting only `ca`), no compression, a fresh connection. */
function post(url: string, body: string, ca?: Buffer): Promise<Answer> {
  const u = new URL(url);
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      { host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, method: 'POST', agent: false, headers: { 'content-type': 'application/json' }, ...(ca ? { ca } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

for (const kind of testDatabaseKinds()) {
  describe(`imstats serve --tls-port: plain HTTP and HTTPS from one process (${kind})`, { skip: hasOpenssl ? false : 'openssl is not on PATH (needed to make a self-signed certificate)' }, () => {
    let database: TestDatabase;
    let dir: string;
    before(async () => {
      database = await createTestDatabase(kind);
      dir = mkdtempSync(join(tmpdir(), 'imstats-tls-port-'));
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost',
        '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      ], { stdio: 'ignore' });
      const run = await runCaptured(['migrate', '--db', database.url]);
      assert.equal(run.code, 0, run.stderr);
      // Created ten days ago, so getappinfo has whole days to answer.
      const store = await openStore(database.url);
      await new AppsRepo(store).create({ sdkappid: Number(APP), name: 'Both Ports', company: 'Acme', secretKey: 'both-ports-key', createdAt: Date.now() - 10 * 86_400_000 });
      await store.close();
    });
    after(async () => {
      rmSync(dir, { recursive: true, force: true });
      await database.drop();
    });

    test('both ports answer getappinfo the same; each speaks only its own protocol; the certificate is the one given', async () => {
      const sig = await runCaptured(['usersig', '--sdkappid', APP, '--identifier', 'administrator', '--db', database.url]);
      assert.equal(sig.code, 0, sig.stderr);
      const query = `?sdkappid=${APP}&identifier=administrator&usersig=${encodeURIComponent(sig.stdout.trim())}&random=42&contenttype=json`;
      const serving = startServe(['--db', database.url, '--host', '127.0.0.1', '--port', '0', '--tls-port', '0', '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')]);
      try {
        await serving.printed('(HTTPS, the same service)\n');
        const out = serving.stdout();
        const http = /^imstats listening on (http:\/\/127\.0\.0\.1:\d+) \(database: /m.exec(out)?.[1];
        const https = /^imstats listening on (https:\/\/127\.0\.0\.1:\d+) \(HTTPS, the same service\)$/m.exec(out)?.[1];
        assert.ok(http && https, out);
        assert.notEqual(new URL(http).port, new URL(https).port);
        const ca = readFileSync(join(dir, 'cert.pem'));
        const body = '{}';

        const plain = await post(`${http}/v4/openconfigsvr/getappinfo${query}`, body);
        const secure = await post(`${https}/v4/openconfigsvr/getappinfo${query}`, body, ca);
        for (const [name, a] of [['HTTP', plain], ['HTTPS', secure]] as const) {
          assert.equal(a.status, 200, name);
          const env = JSON.parse(a.body) as { ErrorCode: number; ErrorInfo: string; Result: Record<string, string>[] };
          assert.equal(env.ErrorCode, 0, `${name}: ${env.ErrorInfo}`);
          assert.ok(env.Result.length > 0 && env.Result.every((d) => d.AppName === 'Both Ports' && d.Company === 'Acme'), `${name}: ${a.body}`);
        }
        assert.equal(plain.body, secure.body, 'one service behind both ports');

        // The HTTPS port verifies only with the given certificate; neither port speaks the other's protocol.
        await assert.rejects(post(`${https}/healthz`, ''), /self-signed|self signed/);
        await assert.rejects(post(`${http.replace('http:', 'https:')}/healthz`, '', ca));
        const plainToTls = await post(`${https.replace('https:', 'http:')}/healthz`, '').catch((err: Error) => err);
        assert.ok(plainToTls instanceof Error || plainToTls.status === 400, `plain HTTP on the HTTPS port: ${JSON.stringify(plainToTls)}`);
      } finally {
        const run = await serving.stop();
        assert.equal(run.code, 0, run.stderr);
      }
    });
  });
}
