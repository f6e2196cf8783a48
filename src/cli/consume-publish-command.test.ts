// `imstats publish` and `imstats consume` as commands: options from the environment, exit
// statuses, the ready, progress and rejection lines, a clean stop on the signal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApps, recentDays, reports, waitUntil } from '../../test/support/bus-harness.js';
import { deleteStream, streamLag, TEST_NATS_URL, uniqueStream } from '../../test/support/nats-test.js';
import { createTestDatabase } from '../../test/support/test-databases.js';
import { runCaptured } from './run-captured.js';

const NOW = Date.now();
const APP = 1400000701;

test('publish sends a file (exit 2 for its bad line), consume applies it and stops on the signal', async () => {
  const ts = uniqueStream();
  const db = await createTestDatabase('sqlite');
  const dir = mkdtempSync(join(tmpdir(), 'imstats-publish-'));
  const env = { IMSTATS_NATS_URL: TEST_NATS_URL, IMSTATS_NATS_STREAM: ts.stream, IMSTATS_NATS_SUBJECT: ts.subject, IMSTATS_DB: db.url };
  try {
    await createApps(db.url, [APP], NOW);
    const file = join(dir, 'events.ndjson');
    const line = (user: string) => JSON.stringify({ type: 'user.register', sdkappid: APP, user, time: NOW - 60_000 });
    writeFileSync(file, `${line('a')}\n{"type":"user.register","user":"no app"}\n${line('b')}\n${JSON.stringify({ type: 'user.register', sdkappid: APP, user: 'late', time: 5 })}\n`);
    const published = await runCaptured(['publish', file, '--batch-lines', '2'], { env });
    assert.equal(published.code, 2, published.stderr);
    assert.match(published.stderr, /^line 2: names no sdkappid/m);
    assert.match(published.stdout, new RegExp(`^published: 3 lines in 2 messages to stream ${ts.stream}, 1 rejected$`, 'm'));

    const stop = new AbortController();
    const consuming = runCaptured(['consume', '--progress-ms', '200'], { env, signal: stop.signal, now: () => NOW });
    await waitUntil('both messages applied', async () => {
      const s = await streamLag(ts.stream).catch(() => undefined);
      return s?.consumers === 8 && s.lag === 0;
    });
    stop.abort();
    const consumed = await consuming;
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.match(consumed.stdout, new RegExp(`^imstats consuming stream ${ts.stream} \\(${ts.subject.replace('.', '\\.')}\\.<partition>\\.<sdkappid>, 8 partitions\\)`, 'm'));
    assert.match(consumed.stdout, /^consume: 2 messages applied, 0 redelivered \(skipped\); lines 2 accepted, 0 already applied, 1 rejected; .*lag 0$/m);
    assert.match(consumed.stderr, /^message 2 \(.*\) line 1: .*time/m);
    const days = (await reports(db.url, [APP], recentDays(NOW, 1))).get(APP)!;
    assert.equal(days.reduce((n, d) => n + Number(d.RegistUserNumOneDay), 0), 2);
  } finally {
    await deleteStream(ts.stream);
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('consume refuses a bad --metrics-port / IMSTATS_METRICS_PORT, --metrics-host without a port and a --redis that is no Redis URL (exit 1, before connecting)', async () => {
  const cases: { args: string[]; env?: Record<string, string>; error: RegExp }[] = [
    { args: ['--metrics-port', '70000'], error: /--metrics-port.*expected a port number/ },
    { args: [], env: { IMSTATS_METRICS_PORT: 'nine' }, error: /IMSTATS_METRICS_PORT: expected a port number/ },
    { args: ['--metrics-host', '0.0.0.0'], error: /--metrics-host needs --metrics-port/ },
    { args: ['--redis', 'http://127.0.0.1:6379'], error: /--redis: expected redis:\/\// },
    { args: [], env: { IMSTATS_REDIS_URL: 'localhost' }, error: /--redis: expected redis:\/\// },
  ];
  for (const c of cases) {
    const run = await runCaptured(['consume', '--db', 'sqlite:///nonexistent/never-opened.db', '--nats', 'nats://127.0.0.1:1', ...c.args], { env: c.env ?? {} });
    assert.equal(run.code, 1, `${c.args.join(' ')} ${JSON.stringify(c.env)}: ${run.stderr}`);
    assert.match(run.stderr, c.error);
  }
});
