// Several nodes for real: two `imstats serve` API nodes and two `imstats consume` processes on one
// database, fed `imstats simulate … | imstats publish -` for several apps through NATS JetStream.
// One consumer is SIGKILLed mid-stream and started again; in another run the NATS server itself
// stops mid-stream and comes back. Every app's final getappinfo and getstats, from both API
// nodes, must equal those of a single process that ingested the same events from a file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUS_KEY, createApps, reports, waitUntil } from '../support/bus-harness.js';
import { deleteStream, streamLag, TEST_NATS_URL, uniqueStream, type TestStream } from '../support/nats-test.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/test-databases.js';
import { addDays } from '../../src/time/calendar-day.js';
import { dayOfZone } from '../../src/time/day-of.js';
import { Child } from '../support/child.js';
import { imstatsServe, serverUrl } from './imstats-serve.js';
import { getAppInfo, getStats } from './getappinfo-client.js';
import { freePort, NatsServerProcess } from './nats-server.js';
import { sharedRedisUrl, uniqueRedisPrefix } from '../support/redis-test.js';
import { call, getAppInfoUrl, runCli } from './redis-node.js';
import { ERROR_CODES } from '../../src/rest/error-codes.js';

const APPS = [1400000601, 1400000602, 1400000603, 1400000604];
const DAYS = 2;
const USERS = 100;
const PARTITIONS = 4;
/** Small messages: many of them, so a kill or an outage lands mid-stream. */
const BATCH_LINES = 25;
const NOW = Date.now();
const START = addDays(dayOfZone('UTC').day(NOW), -DAYS);
const CLI = fileURLToPath(new URL('./imstats-cli.js', import.meta.url));

function simulateArgs(sdkappid: number, i: number): string[] {
  return ['simulate', '--sdkappid', String(sdkappid), '--days', String(DAYS), '--users', String(USERS), '--seed', String(i + 1), '--start', START, '--timezone', 'UTC'];
}

/**
 * `(imstats simulate A; imstats simulate B; …) | tee all.ndjson | imstats publish -`: every app's
 * simulation through one shell pipe into NATS, and the very same bytes kept for the oracle.
 * Resolves to the file and the number of messages published.
 */
async function simulateIntoPublish(dir: string, natsUrl: string, ts: TestStream): Promise<{ file: string; messages: number }> {
  const quote = (args: readonly string[]) => args.map((a) => `'${a}'`).join(' ');
  const node = [process.execPath, CLI];
  const file = join(dir, 'all.ndjson');
  const simulations = APPS.map((app, i) => quote([...node, ...simulateArgs(app, i)])).join('; ');
  const publish = quote([...node, 'publish', '-', '--nats', natsUrl, '--stream', ts.stream, '--subject', ts.subject, '--partitions', String(PARTITIONS), '--batch-lines', String(BATCH_LINES)]);
  const shell = spawn('sh', ['-c', `(${simulations}) 2>/dev/null | tee '${file}' | ${publish}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  shell.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  shell.stderr!.setEncoding('utf8').on('data', (s: string) => (err = (err + s).slice(-4000)));
  const code = await new Promise<number | null>((resolve) => shell.on('exit', resolve));
  const line = out.split('\n').find((l) => l.startsWith('published: '));
  if (code !== 0 || !line) throw new Error(`simulate | publish failed (${code}): ${out} ${err}`);
  assert.match(line, / 0 rejected/);
  assert.equal(Number(/^published: (\d+) lines/.exec(line)![1]), readFileSync(file, 'utf8').split('\n').length - 1, 'every simulated line published');
  return { file, messages: Number(/in (\d+) messages/.exec(line)![1]) };
}

/** The oracle: the same events ingested from the file by one `imstats ingest` process. */
async function fileIngest(db: TestDatabase, file: string): Promise<void> {
  const ingest = new Child(new URL('./imstats-cli.js', import.meta.url), ['ingest', file, '--db', db.url], { name: 'ingest' });
  await ingest.succeeded();
  assert.match(await ingest.waitFor('ingested: '), / 0 rejected/);
}

function consumer(name: string, db: TestDatabase, natsUrl: string, ts: TestStream): Child {
  return new Child(new URL('./imstats-cli.js', import.meta.url), ['consume', '--db', db.url, '--nats', natsUrl, '--stream', ts.stream, '--subject', ts.subject, '--partitions', String(PARTITIONS), '--progress-ms', '300', '--ack-wait-ms', '2000'], { name });
}

const applied = (c: Child) => Math.max(0, ...c.lines.map((l) => Number(/^consume: (\d+) messages applied/.exec(l)?.[1] ?? 0)));

/** Every app's answers, as the API nodes give them: getappinfo (default window and a range) and getstats (days, hours, by platform). */
async function answers(baseUrl: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const sdkappid of APPS) {
    const target = { baseUrl, sdkappid, key: BUS_KEY };
    for (const body of [{}, { StartDate: START, EndDate: addDays(START, DAYS - 1) }]) {
      const env = await getAppInfo(target, body);
      assert.equal(env.ErrorCode, 0, env.ErrorInfo);
      out.push(env.Result);
    }
    for (const body of [{}, { Grain: 'hour', Start: `${START}00`, End: `${addDays(START, DAYS - 1)}23` }, { By: 'platform' }]) {
      const env = await getStats(target, body);
      assert.equal(env.ErrorCode, 0, env.ErrorInfo);
      out.push((env as unknown as Record<string, unknown>).Result ?? env);
    }
  }
  return out;
}

async function expectedAnswers(oracle: TestDatabase): Promise<unknown[]> {
  const server = imstatsServe(oracle.url);
  try {
    return await answers(await serverUrl(server));
  } finally {
    await server.stop();
  }
}

for (const kind of testDatabaseKinds()) {
  test(`two API nodes on Redis, two consumers, NATS: a consumer SIGKILLed mid-stream changes nothing; every app's answers are one process's; a key rotated reaches both nodes at once (${kind})`, { timeout: 900_000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'imstats-nats-cluster-'));
    const ts = uniqueStream();
    const [oracle, bus] = [await createTestDatabase(kind), await createTestDatabase(kind)];
    const children: Child[] = [];
    try {
      await createApps(oracle.url, APPS, NOW);
      await createApps(bus.url, APPS, NOW);
      const { file, messages } = await simulateIntoPublish(dir, TEST_NATS_URL, ts);
      await fileIngest(oracle, file);
      const expected = await expectedAnswers(oracle);
      assert.ok(JSON.stringify(expected).match(/"UpMsgNum":"[1-9]/), 'the workload has messages');

      // Both API nodes share limits and changes through Redis; apps are cached for 10 minutes, so
      // only the change channel can make a node drop a rotated key at once.
      const prefix = uniqueRedisPrefix();
      const redisNode = (name: string) =>
        new Child(new URL('./imstats-cli.js', import.meta.url), [
          'serve', '--db', bus.url, '--host', '127.0.0.1', '--port', '0', '--rate-limit', '1000000', '--answer-cache-ms', '0',
          '--app-cache-ms', '600000', '--redis', sharedRedisUrl(), '--redis-prefix', prefix,
        ], { name });
      const nodes = [redisNode('node A'), redisNode('node B')];
      children.push(...nodes);
      const [c1, c2] = [consumer('consume 1', bus, TEST_NATS_URL, ts), consumer('consume 2', bus, TEST_NATS_URL, ts)];
      children.push(c1, c2);
      await waitUntil('consumer 1 applying', () => applied(c1) >= 3, 300_000).catch((err: Error) => {
        throw new Error(`${err.message}; consumer 1: ${c1.lines.slice(-3).join(' | ')} ${c1.stderr}; consumer 2: ${c2.lines.slice(-3).join(' | ')} ${c2.stderr}`);
      });
      c1.process.kill('SIGKILL');
      await c1.exited;
      const atKill = await streamLag(ts.stream);
      t.diagnostic(`${kind}: ${messages} messages published; consumer 1 killed after ${applied(c1)} applied, ${atKill.lag} messages still to apply`);
      assert.ok(atKill.lag > 0, 'the kill came mid-stream');

      const c1again = consumer('consume 1 again', bus, TEST_NATS_URL, ts);
      children.push(c1again);
      await waitUntil('the stream applied', async () => {
        const s = await streamLag(ts.stream);
        return s.consumers === PARTITIONS && s.messages === messages && s.lag === 0;
      }, 600_000);
      assert.ok(applied(c2) > 0, 'consumer 2 took part');

      const urls = await Promise.all(nodes.map((node) => serverUrl(node)));
      for (const url of urls) assert.deepEqual(await answers(url), expected);

      const rotated = APPS[0]!;
      await runCli(['app', 'key', 'rotate', String(rotated), '--key', 'f'.repeat(64), '--db', bus.url, '--redis', sharedRedisUrl(), '--redis-prefix', prefix]);
      assert.equal((await call(getAppInfoUrl(urls[1]!, rotated, BUS_KEY), 1)).errorCode, ERROR_CODES.USERSIG_BAD_SIGNATURE.code, 'node B refuses the old key at once');
      assert.equal((await call(getAppInfoUrl(urls[0]!, rotated, BUS_KEY), 0)).errorCode, ERROR_CODES.USERSIG_BAD_SIGNATURE.code, 'node A refuses the old key at once');
      assert.equal((await call(getAppInfoUrl(urls[1]!, rotated, 'f'.repeat(64)), 1)).errorCode, 0, 'node B takes the new key');
    } finally {
      for (const c of children) if (c.running) c.process.kill('SIGKILL');
      await Promise.all(children.map((c) => c.exited));
      await deleteStream(ts.stream);
      await oracle.drop();
      await bus.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(`NATS stopped mid-stream: the consumers reconnect and resume, nothing lost or doubled (${kind})`, { timeout: 900_000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'imstats-nats-outage-'));
    const nats = new NatsServerProcess(await freePort(), join(dir, 'jetstream'));
    const ts = uniqueStream();
    const [oracle, bus] = [await createTestDatabase(kind), await createTestDatabase(kind)];
    const children: Child[] = [];
    try {
      await nats.start();
      await createApps(oracle.url, APPS, NOW);
      await createApps(bus.url, APPS, NOW);
      const { file, messages } = await simulateIntoPublish(dir, nats.url, ts);
      await fileIngest(oracle, file);
      const range = { from: START, to: addDays(START, DAYS) };
      const expected = await reports(oracle.url, APPS, range);

      const consumers = [consumer('consume 1', bus, nats.url, ts), consumer('consume 2', bus, nats.url, ts)];
      children.push(...consumers);
      await waitUntil('consuming', () => consumers.reduce((n, c) => n + applied(c), 0) >= 5, 300_000);
      const before = await streamLag(ts.stream, 'imstats', nats.url);
      await nats.stop();
      t.diagnostic(`${kind}: NATS stopped with ${before.lag} of ${messages} messages still to apply`);
      assert.ok(before.lag > 0, 'the outage came mid-stream');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.ok(consumers.every((c) => c.running), `the consumers keep running without NATS${consumers.filter((c) => !c.running).map((c) => `; a consumer ended: ${c.stderr.slice(-2000)}`).join('')}`);
      await nats.start();
      await waitUntil('the stream applied after the outage', async () => {
        const s = await streamLag(ts.stream, 'imstats', nats.url).catch(() => undefined);
        return s !== undefined && s.messages === messages && s.lag === 0;
      }, 600_000);
      assert.ok(consumers.every((c) => c.running));
      assert.deepEqual(await reports(bus.url, APPS, range), expected);
      assert.ok(consumers.some((c) => /NATS (disconnected|reconnected)/.test(c.stderr)), 'the consumers saw the outage');
    } finally {
      for (const c of children) if (c.running) c.process.kill('SIGKILL');
      await Promise.all(children.map((c) => c.exited));
      await nats.stop();
      await oracle.drop();
      await bus.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
