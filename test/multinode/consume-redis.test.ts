// `imstats consume --redis`: a batch applied from NATS shows on an API node at its next
// getappinfo (the node's answer cache dropped by the data announcement), while a node without
// Redis keeps serving its cached answer.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { BUS_KEY, createApps, recentDays, reports, waitUntil } from '../support/bus-harness.js';
import { deleteStream, TEST_NATS_URL, uniqueStream } from '../support/nats-test.js';
import { freePort, sharedRedisUrl, uniqueRedisPrefix } from '../support/redis-test.js';
import { createTestDatabase, testDatabaseKinds } from '../support/test-databases.js';
import { Child } from '../support/child.js';
import { call, getAppInfoUrl, runCli, startNode, type RedisNode } from './redis-node.js';

const APP = 1400000811;
const NOW = Date.now();

const children: Child[] = [];
after(async () => {
  await Promise.all(children.map((c) => c.stop()));
});

async function logins(n: RedisNode): Promise<string> {
  const answer = await call(getAppInfoUrl(n.url, APP, BUS_KEY), 0, {}, JSON.stringify({ RequestField: ['LoginTimes'] }));
  assert.equal(answer.errorCode, 0, answer.body);
  return (JSON.parse(answer.body) as { Result: { LoginTimes: string }[] }).Result[0]!.LoginTimes;
}

for (const kind of testDatabaseKinds()) {
  test(`[${kind}] a batch applied by imstats consume --redis shows on a serve --redis node at its next getappinfo; a node without Redis keeps its cached answer`, async () => {
    const ts = uniqueStream();
    const prefix = uniqueRedisPrefix();
    const db = await createTestDatabase(kind);
    const dir = mkdtempSync(join(tmpdir(), 'imstats-consume-redis-'));
    // What the test hears on the deployment's change channel, as the nodes do.
    const listener = new Redis(sharedRedisUrl());
    const heard: unknown[] = [];
    try {
      await createApps(db.url, [APP], NOW);
      // Answers trusted for a minute without checking the data version: only the announcement can refresh them.
      const long = { dbUrl: db.url, appCacheMs: 600_000, extra: ['--answer-cache-ms', '60000'] };
      const [shared, alone] = await Promise.all([
        startNode('node with redis', { ...long, redisUrl: sharedRedisUrl(), prefix }),
        startNode('node without redis', long),
      ]);
      children.push(shared!.child, alone!.child);
      // Asked twice: an answer is kept from the second time its question is asked.
      for (let round = 0; round < 2; round++) assert.deepEqual(await Promise.all([shared!, alone!].map(logins)), ['0', '0'], 'answers made (and kept) before any event');

      listener.on('message', (_channel: string, message: string) => heard.push(JSON.parse(message)));
      await listener.subscribe(`${prefix}changes`);

      const yesterday = NOW - 86_400_000;
      const file = join(dir, 'events.ndjson');
      writeFileSync(file, ['alice', 'bob', 'carol'].map((user) => `${JSON.stringify({ type: 'user.login', sdkappid: APP, time: yesterday, user })}\n`).join(''));
      await runCli(['publish', file, '--nats', TEST_NATS_URL, '--stream', ts.stream, '--subject', ts.subject]);

      const consumer = new Child(new URL('./imstats-cli.js', import.meta.url), [
        'consume', '--db', db.url, '--nats', TEST_NATS_URL, '--stream', ts.stream, '--subject', ts.subject,
        '--redis', sharedRedisUrl(), '--redis-prefix', prefix, '--progress-ms', '300',
      ], { name: 'consume --redis' });
      children.push(consumer);
      await waitUntil("the consumer's data announcement", () => heard.length > 0);
      assert.deepEqual(heard, [{ kind: 'data', sdkappids: [APP] }], 'one message, one batch, one announcement naming its app');
      assert.equal(await logins(shared!), '3', 'the node with Redis answers with the batch applied from NATS');
      assert.equal(await logins(alone!), '0', 'the control node, deaf to Redis, still serves its cached answer');

      const stopped = await consumer.stop();
      assert.equal(stopped.code, 0, consumer.stderr);
      assert.match(consumer.lines.at(-1)!, /^consume: 1 messages applied, .*lag 0$/);
    } finally {
      listener.disconnect();
      await deleteStream(ts.stream);
      rmSync(dir, { recursive: true, force: true });
      await Promise.all(children.splice(0).map((c) => c.stop()));
      await db.drop();
    }
  });

  test(`[${kind}] imstats consume --redis with Redis away applies the stream all the same and warns once`, async () => {
    const ts = uniqueStream();
    const db = await createTestDatabase(kind);
    const dir = mkdtempSync(join(tmpdir(), 'imstats-consume-redis-'));
    try {
      await createApps(db.url, [APP], NOW);
      const file = join(dir, 'events.ndjson');
      writeFileSync(file, Array.from({ length: 30 }, (_, i) => `${JSON.stringify({ type: 'user.register', sdkappid: APP, time: NOW - 3_600_000, user: `u${i}` })}\n`).join(''));
      const published = await runCli(['publish', file, '--nats', TEST_NATS_URL, '--stream', ts.stream, '--subject', ts.subject, '--batch-lines', '10']);
      assert.ok(published.some((l) => l.startsWith('published: 30 lines in 3 messages')), published.join('\n'));
      // Nothing listens on this port: every announcement fails at once.
      const nowhere = `redis://127.0.0.1:${await freePort()}`;
      const consumer = new Child(new URL('./imstats-cli.js', import.meta.url), [
        'consume', '--db', db.url, '--nats', TEST_NATS_URL, '--stream', ts.stream, '--subject', ts.subject, '--redis', nowhere, '--progress-ms', '300',
      ], { name: 'consume --redis (away)' });
      children.push(consumer);
      await waitUntil('the three messages applied', () => consumer.lines.some((l) => l.startsWith('consume: 3 messages applied')));
      const stopped = await consumer.stop();
      assert.equal(stopped.code, 0, consumer.stderr);
      const warnings = consumer.stderr.split('\n').filter((l) => l.includes('could not tell the API nodes through Redis'));
      assert.equal(warnings.length, 1, consumer.stderr);
      const days = (await reports(db.url, [APP], recentDays(NOW, 1))).get(APP)!;
      assert.equal(days.reduce((n, d) => n + Number(d.RegistUserNumOneDay), 0), 30);
    } finally {
      await deleteStream(ts.stream);
      rmSync(dir, { recursive: true, force: true });
      await Promise.all(children.splice(0).map((c) => c.stop()));
      await db.drop();
    }
  });
}
