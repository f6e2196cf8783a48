import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { verifyUserSig } from '../usersig/index.js';

// From dist/ (npm test, after `npm run build`) the real bin/imstats.js is spawned; from a
// helper's isolated build directory a one-line wrapper imports that build's cli/main.js the way
// bin/imstats.js imports dist/src/cli/main.js.
const here = dirname(fileURLToPath(import.meta.url));
const fromDist = resolve(here, '..', '..') === resolve(here, '..', '..', '..', 'dist');
const repo = resolve(here, '..', '..', '..');

interface Exited {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

describe('bin/imstats.js in a real process', () => {
  let dir: string;
  let bin: string;
  let db: string;

  const imstats = (args: readonly string[], stdin?: string) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: dir, env: { PATH: process.env.PATH }, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.stdin.end(stdin ?? '');
    const exited = new Promise<Exited>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
    return { child, exited, stdout: () => stdout };
  };
  const run = (...args: string[]) => imstats([...args, '--db', db]).exited;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'imstats-bin-'));
    db = `sqlite:${join(dir, 'imstats.db')}`;
    if (fromDist) {
      bin = join(repo, 'bin', 'imstats.js');
    } else {
      bin = join(dir, 'imstats.mjs');
      writeFileSync(bin, `import { main } from ${JSON.stringify(pathToFileURL(join(here, 'main.js')).href)};\nawait main(process.argv);\n`);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('app create, then usersig: the printed UserSig verifies with the printed key', async () => {
    const created = await run('app', 'create', '--sdkappid', '1400000009', '--name', 'Spawned', '--company', 'Acme', '--admin', 'root');
    assert.equal(created.code, 0, created.stderr);
    const app = JSON.parse(created.stdout) as { secretKey: string; admins: string[] };
    assert.deepEqual(app.admins, ['root']);
    const signed = await run('usersig', '--sdkappid', '1400000009', '--identifier', 'root');
    assert.equal(signed.code, 0, signed.stderr);
    assert.equal(signed.stderr, '');
    const verified = verifyUserSig({ token: signed.stdout.trim(), sdkappid: 1400000009, identifier: 'root', key: app.secretKey, nowSeconds: Math.floor(Date.now() / 1000) });
    assert.equal(verified.identifier, 'root');
  });

  test('a user error exits 1 with one line on stderr and no stack trace', async () => {
    const shown = await run('app', 'show', '999');
    assert.equal(shown.code, 1);
    assert.equal(shown.stderr, 'error: app 999 does not exist\n');
    assert.equal(shown.stdout, '');
  });

  test('ingest from a pipe with a rejected line exits 2', async () => {
    const now = Date.now();
    const lines = [JSON.stringify({ type: 'user.register', time: now - 60_000, user: 'a' }), '{broken'].join('\n');
    const ingested = await imstats(['ingest', '-', '--sdkappid', '1400000009', '--db', db], lines).exited;
    assert.equal(ingested.code, 2, ingested.stderr);
    assert.equal(ingested.stdout, 'ingested: 1 accepted, 1 rejected, 1 batches (0 already applied)\n');
    assert.match(ingested.stderr, /^line 2: invalid JSON/);
  });

  test('serve listens, answers, and exits 0 on SIGTERM', async () => {
    const serving = imstats(['serve', '--host', '127.0.0.1', '--port', '0', '--db', db]);
    const base = await new Promise<string>((resolve, reject) => {
      serving.child.stdout.on('data', () => {
        const m = /^imstats listening on (\S+) /m.exec(serving.stdout());
        if (m) resolve(m[1]!);
      });
      void serving.exited.then((e) => reject(new Error(`serve exited ${e.code}: ${e.stderr}`)));
    });
    const health = await fetch(`${base}/healthz`);
    assert.equal(health.status, 200);
    serving.child.kill('SIGTERM');
    const exited = await serving.exited;
    assert.equal(exited.code, 0, exited.stderr);
    assert.match(exited.stderr, /stopping/);
  });
});
