// Several nodes for real: two `imstats serve` API nodes and two `imstats consume` processes on one
// database, fed `imstats simulate … | imstats publish -` for several apps through NATS JetStream.
// One consumer is SIGKILLed mid-stream and started again; in another run the NATS server itself
// stops mid-stream and comes back. Every app's final getappinfo and getstats, from both API
// nodes, must equal those of a single process that ingested the same events from a file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUS_KEY, createApps, reports, waitUntil } from '../support/bus-harness.js';
import { deleteStream, streamLag, TEST_NATS_URL, uniqueStream, type TestStream } from '../support/nats-test.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/test-databases.js';
import { addDays } from '../../src/time/calendar-day.js';
import { dayOfZone } from '../../src/time/day-of.js';
import { Child, imstatsServe, serverUrl } from './child.js';
import { getAppInfo, getStats } from './getappinfo-client.js';
import { freePort, NatsServerProcess } from './nats-server.js';

const APPS = [1400000601, 1400000602, 1400000603, 1400000604, 1400000605];
const DAYS = 2;
const USERS = 120;
const PARTITIONS = 4;
/** Small messages: many of them, so a kill or an outage lands mid-stream. */
const BATCH_LINES = 25;
const NOW = Date.now();
const START = addDays(dayOfZone('UTC').day(NOW), -DAYS);
const CLI = fileURLToPath(new URL('./imstats-cli.js', import.meta.url));

function simulateArgs(sdkappid: number, i: number): string[] {
  return ['simulate', '--sdkappid', String(sdkappid), '--days', String(DAYS), '--users', String(USERS), '--seed', String(i + 1), '--start', START, '--timezone', 'UTC'];
}

/** `imstats simulate … | imstats publish -` as two real processes joined by a pipe; resolves to publish's summary line. */
async function simulateIntoPublish(i: number, natsUrl: string, ts: TestStream): Promise<string> {
  const simulate = spawn(process.execPath, [CLI, ...simulateArgs(APPS[i]!, i)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const publish = new Child(`publish ${i}`, './imstats-cli.js', ['publish', '-', '--nats', natsUrl, '--stream', ts.stream, '--subject', ts.subject, '--partitions', String(PARTITIONS), '--batch-lines', String(BATCH_LINES)]);
  simulate.stdout!.pipe(publish.process.stdin!);
  const [simulated] = await Promise.all([new Promise<number | null>((resolve) => simulate.on('exit', resolve)), publish.succeeded()]);
  assert.equal(simulated, 0);
  return publish.waitFor('published: ');
}

/** The oracle: the same simulations in one file, ingested by one `imstats ingest` process. */
async function fileIngest(db: TestDatabase, dir: string): Promise<void> {
  const files = APPS.map((app, i) => {
    const file = join(dir, `${app}.ndjson`);
    const sim = new Child(`simulate ${i}`, './imstats-cli.js', [...simulateArgs(app, i), '--out', file]);
    return sim.succeeded().then(() => file);
  });
  const all = join(dir, 'all.ndjson');
  writeFileSync(all, (await Promise.all(files)).map((f) => readFileSync(f, 'utf8')).join(''));
  const ingest = new Child('ingest', './imstats-cli.js', ['ingest', all, '--db', db.url]);
  await ingest.succeeded();
  assert.match((await ingest.waitFor('ingested: ')), / 0 rejected/);
}

function consumer(name: string, db: TestDatabase, natsUrl: string, ts: TestStream): Child {
  return new Child(name, './imstats-cli.js', ['consume', '--db', db.url, '--nats', natsUrl, '--stream', ts.stream, '--subject', ts.subject, '--partitions', String(PARTITIONS), '--progress-ms', '300', '--ack-wait-ms', '2000']);
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
  test(`two API nodes, two consumers, NATS: a consumer SIGKILLed mid-stream changes nothing; every app's answers are one process's (${kind})`, { timeout: 900_000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'imstats-nats-cluster-'));
    const ts = uniqueStream();
    const [oracle, bus] = [await createTestDatabase(kind), await createTestDatabase(kind)];
    const children: Child[] = [];
    try {
      await createApps(oracle.url, APPS, NOW);
      await createApps(bus.url, APPS, NOW);
      await fileIngest(oracle, dir);
      const expected = await expectedAnswers(oracle);
      assert.ok(JSON.stringify(expected).match(/"UpMsgNum":"[1-9]/), 'the workload has messages');

      const nodes = [imstatsServe(bus.url), imstatsServe(bus.url)];
      children.push(...nodes);
      const [c1, c2] = [consumer('consume 1', bus, TEST_NATS_URL, ts), consumer('consume 2', bus, TEST_NATS_URL, ts)];
      children.push(c1, c2);
      await c1.waitFor('imstats consuming ');
      await c2.waitFor('imstats consuming ');

      const published = Promise.all(APPS.map((_, i) => simulateIntoPublish(i, TEST_NATS_URL, ts)));
      await waitUntil('consumer 1 applying', () => applied(c1) >= 3);
      c1.process.kill('SIGKILL');
      await c1.exited;
      const atKill = await streamLag(ts.stream);
      const summaries = await published;
      const messages = summaries.reduce((n, s) => n + Number(/in (\d+) messages/.exec(s)![1]), 0);
      t.diagnostic(`${kind}: ${messages} messages published; consumer 1 killed after ${applied(c1)} applied, lag then ${atKill.lag} of ${atKill.messages} stored`);
      assert.ok(atKill.lag > 0 || atKill.messages < messages, 'the kill came mid-stream');
      assert.ok(summaries.every((s) => / 0 rejected/.test(s)), summaries.join('; '));

      const c1again = consumer('consume 1 again', bus, TEST_NATS_URL, ts);
      children.push(c1again);
      await waitUntil('the stream applied', async () => {
        const s = await streamLag(ts.stream);
        return s.consumers === PARTITIONS && s.messages === messages && s.lag === 0;
      }, 600_000);
      assert.ok(applied(c2) > 0, 'consumer 2 took part');

      for (const node of nodes) assert.deepEqual(await answers(await serverUrl(node)), expected);
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
      await fileIngest(oracle, dir);
      const range = { from: START, to: addDays(START, DAYS) };
      const expected = await reports(oracle.url, APPS, range);

      const summaries = await Promise.all(APPS.map((_, i) => simulateIntoPublish(i, nats.url, ts)));
      const messages = summaries.reduce((n, s) => n + Number(/in (\d+) messages/.exec(s)![1]), 0);
      const consumers = [consumer('consume 1', bus, nats.url, ts), consumer('consume 2', bus, nats.url, ts)];
      children.push(...consumers);
      await waitUntil('consuming', () => consumers.reduce((n, c) => n + applied(c), 0) >= 5);
      const before = await streamLag(ts.stream, 'imstats', nats.url);
      await nats.stop();
      t.diagnostic(`${kind}: NATS stopped with ${before.lag} of ${messages} messages still to apply`);
      assert.ok(before.lag > 0, 'the outage came mid-stream');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.ok(consumers.every((c) => c.running), 'the consumers keep running without NATS');
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
