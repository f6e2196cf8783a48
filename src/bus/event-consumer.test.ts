// The NATS bus against a real JetStream server and real databases: exactly once across
// redeliveries, bad lines, poison messages, per-app order with two consumers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ingestorForStore } from '../ingest/ingestor-for-store.js';
import { AppsRepo } from '../store/apps-repo.js';
import { openStore } from '../store/store.js';
import { createApps, fileIngest, recentDays, reports, simulatedApps, waitUntil } from '../../test/support/bus-harness.js';
import { deleteStream, TEST_NATS_URL, uniqueStream, type TestStream } from '../../test/support/nats-test.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../../test/support/test-databases.js';
import { applyMessage } from './apply-message.js';
import { EventConsumer, type BatchProgress, type EventConsumerOptions, type MessageRejection } from './event-consumer.js';
import { publishEvents } from './event-publisher.js';
import { deadLetterSubject, ensureEventStream, eventSubject, partitionFilter } from './event-stream.js';
import { AckPolicy } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';

const NOW = Date.now();
const PARTITIONS = 3;

interface Running {
  readonly consumer: EventConsumer;
  close(): Promise<void>;
}

async function startConsumer(db: TestDatabase, ts: TestStream, options: Partial<EventConsumerOptions> = {}): Promise<Running> {
  const store = await openStore(db.url);
  const nc = await connect({ servers: TEST_NATS_URL });
  const apps = new AppsRepo(store);
  const consumer = await EventConsumer.open(nc, ingestorForStore(store, { apps, clock: () => NOW }), {
    name: ts.stream,
    subject: ts.subject,
    partitions: PARTITIONS,
    appExists: async (id) => (await apps.get(id)) !== undefined,
    ...options,
  });
  consumer.start();
  return {
    consumer,
    close: async () => {
      await consumer.stop();
      await nc.close();
      await store.close();
    },
  };
}

async function withBus<T>(run: (nc: NatsConnection, js: JetStreamClient, ts: TestStream) => Promise<T>): Promise<T> {
  const ts = uniqueStream();
  const nc = await connect({ servers: TEST_NATS_URL });
  try {
    return await run(nc, jetstream(nc), ts);
  } finally {
    await nc.close();
    await deleteStream(ts.stream);
  }
}

async function publishText(nc: NatsConnection, ts: TestStream, text: string, batchLines: number) {
  const stream = await ensureEventStream(await jetstreamManager(nc), { name: ts.stream, subject: ts.subject, partitions: PARTITIONS });
  return publishEvents(jetstream(nc), stream, Readable.from([text]), { batchLines, maxBytes: 512 * 1024 });
}

for (const kind of testDatabaseKinds()) {
  test(`every message is applied exactly once: a redelivery and a second reading of the stream change nothing (${kind})`, async () => {
    const apps = [1400000101, 1400000102, 1400000103];
    const text = simulatedApps(apps, { days: 2, users: 60 });
    const [oracle, bus] = [await createTestDatabase(kind), await createTestDatabase(kind)];
    try {
      await createApps(oracle.url, apps, NOW);
      await createApps(bus.url, apps, NOW);
      await fileIngest(oracle.url, text, NOW);
      const expected = await reports(oracle.url, apps, recentDays(NOW, 3));
      await withBus(async (nc, js, ts) => {
        const sent = await publishText(nc, ts, text, 150);
        assert.equal(sent.rejected, 0);
        assert.equal(sent.published, text.split('\n').length - 1);
        assert.ok(sent.messages > apps.length, 'several messages per app');

        // The crash between commit and ack: a message applied but never acknowledged comes back.
        const jsm = await jetstreamManager(nc);
        const stream = await ensureEventStream(jsm, { name: ts.stream, subject: ts.subject });
        await jsm.consumers.add(ts.stream, { durable_name: 'raw', filter_subject: partitionFilter(stream, apps[0]! % PARTITIONS), ack_policy: AckPolicy.Explicit, ack_wait: nanos(1000), max_ack_pending: 1 });
        const store = await openStore(bus.url);
        try {
          const ingestor = ingestorForStore(store, { clock: () => NOW });
          const raw = await js.consumers.get(ts.stream, 'raw');
          const first = (await raw.next({ expires: 5000 }))!;
          const applied = await applyMessage(ingestor, stream, apps[0]!, first);
          assert.equal(applied.duplicate, false);
          assert.ok(applied.accepted > 0);
          const again = (await raw.next({ expires: 10_000 }))!;
          assert.equal(again.info.streamSequence, first.info.streamSequence, 'the unacknowledged message is redelivered');
          assert.equal(again.info.deliveryCount, 2);
          const redelivered = await applyMessage(ingestor, stream, apps[0]!, again);
          assert.deepEqual([redelivered.duplicate, redelivered.accepted, redelivered.alreadyApplied], [true, 0, applied.accepted]);
          again.ack();
        } finally {
          await store.close();
        }

        const a = await startConsumer(bus, ts, { durable: 'a' });
        try {
          await waitUntil('consumer a', () => a.consumer.stats.messages + a.consumer.stats.duplicates === sent.messages);
          assert.equal(a.consumer.stats.duplicates, 1, 'the message applied by hand is skipped');
          assert.equal(a.consumer.stats.accepted + a.consumer.stats.alreadyApplied, sent.published);
        } finally {
          await a.close();
        }
        assert.deepEqual(await reports(bus.url, apps, recentDays(NOW, 3)), expected);

        // Another durable consumer reads the whole stream again into the same database.
        const b = await startConsumer(bus, ts, { durable: 'b' });
        try {
          await waitUntil('consumer b', () => b.consumer.stats.duplicates === sent.messages);
          assert.equal(b.consumer.stats.messages, 0);
          assert.equal(b.consumer.stats.accepted, 0);
          assert.equal(b.consumer.stats.alreadyApplied, sent.published);
          await b.consumer.refreshLag();
          assert.equal(b.consumer.stats.lag, 0);
        } finally {
          await b.close();
        }
        assert.deepEqual(await reports(bus.url, apps, recentDays(NOW, 3)), expected);
      });
    } finally {
      await oracle.drop();
      await bus.drop();
    }
  });

  test(`bad lines are rejected with their reasons and counted; the rest of the message and the stream go on (${kind})`, async () => {
    const app = 1400000201;
    const other = 1400000202;
    const db = await createTestDatabase(kind);
    try {
      await createApps(db.url, [app, other], NOW);
      await withBus(async (nc, js, ts) => {
        const stream = await ensureEventStream(await jetstreamManager(nc), { name: ts.stream, subject: ts.subject, partitions: PARTITIONS });
        const good = (user: string) => JSON.stringify({ type: 'user.register', sdkappid: app, user, time: NOW - 3_600_000 });
        const payload = [good('u1'), 'not json', JSON.stringify({ type: 'no.such.type', sdkappid: app, time: NOW }), '', JSON.stringify({ type: 'user.register', sdkappid: other, user: 'x', time: NOW }), good('u2')].join('\n');
        await js.publish(eventSubject(stream, app), payload);
        await js.publish(eventSubject(stream, app), good('u3'));
        const rejections: MessageRejection[] = [];
        const c = await startConsumer(db, ts, { onRejection: (r) => rejections.push(r) });
        try {
          await waitUntil('both messages', () => c.consumer.stats.messages === 2);
          assert.equal(c.consumer.stats.accepted, 3);
          assert.equal(c.consumer.stats.rejected, 3);
          assert.deepEqual(rejections.map((r) => [r.sequence, r.line]), [[1, 2], [1, 3], [1, 5]]);
          assert.match(rejections[0]!.reason, /invalid JSON/);
          assert.match(rejections[1]!.reason, /type/);
          assert.match(rejections[2]!.reason, new RegExp(String(other)));
          assert.equal(c.consumer.stats.failures, 0);
        } finally {
          await c.close();
        }
        const days = (await reports(db.url, [app], recentDays(NOW, 1))).get(app)!;
        assert.equal(days.reduce((n, d) => n + Number(d.RegistUserNumOneDay), 0), 3, 'u1, u2 and u3 registered');
      });
    } finally {
      await db.drop();
    }
  });

  test(`a message that keeps failing goes to the dead-letter subject after N deliveries; its partition goes on (${kind})`, async () => {
    const app = 1400000300;
    const unknown = 1400000303; // never registered; the same partition (mod 3)
    const db = await createTestDatabase(kind);
    try {
      await createApps(db.url, [app], NOW);
      await withBus(async (nc, js, ts) => {
        const jsm = await jetstreamManager(nc);
        const stream = await ensureEventStream(jsm, { name: ts.stream, subject: ts.subject, partitions: PARTITIONS });
        assert.equal(eventSubject(stream, app).split('.').at(-2), eventSubject(stream, unknown).split('.').at(-2), 'one partition');
        const line = (sdkappid: number, user: string) => JSON.stringify({ type: 'user.register', sdkappid, user, time: NOW - 60_000 });
        await js.publish(eventSubject(stream, unknown), line(unknown, 'lost'));
        await js.publish(`${ts.subject}.${app % PARTITIONS}.notanapp`, line(app, 'nowhere'));
        await js.publish(eventSubject(stream, app), line(app, 'after'));
        const order: BatchProgress[] = [];
        const c = await startConsumer(db, ts, { maxDeliveries: 3, retryDelayMs: 50, ackWaitMs: 2000, onBatch: (b) => order.push(b) });
        try {
          await waitUntil('the message after the poison', () => c.consumer.stats.messages === 1);
          assert.equal(c.consumer.stats.deadLettered, 2);
          assert.equal(c.consumer.stats.failures, 3 + 1, 'three deliveries of the unknown app, one of the unroutable subject');
          assert.deepEqual(order.map((b) => [b.phase, b.sequence]), [['begin', 3], ['commit', 3]]);
        } finally {
          await c.close();
        }
        const dead = await jsm.streams.getMessage(ts.stream, { last_by_subj: deadLetterSubject(stream, unknown) });
        assert.ok(dead);
        assert.equal(dead.string(), line(unknown, 'lost'));
        assert.equal(dead.header.get('Imstats-Deliveries'), '3');
        assert.equal(dead.header.get('Imstats-Stream-Sequence'), '1');
        assert.match(dead.header.get('Imstats-Reason'), /unknown app 1400000303/);
        const unroutable = await jsm.streams.getMessage(ts.stream, { last_by_subj: deadLetterSubject(stream, 'unknown') });
        assert.equal(unroutable?.header.get('Imstats-Deliveries'), '1');
        assert.equal(unroutable?.header.get('Imstats-Subject'), `${ts.subject}.${app % PARTITIONS}.notanapp`);
      });
    } finally {
      await db.drop();
    }
  });

  test(`two consumers share the partitions; an app's batches are applied one at a time in stream order (${kind})`, async () => {
    const apps = [1400000401, 1400000402, 1400000403, 1400000404, 1400000405];
    const text = simulatedApps(apps, { days: 2, users: 50, seed: 7 });
    const [oracle, bus] = [await createTestDatabase(kind), await createTestDatabase(kind)];
    try {
      await createApps(oracle.url, apps, NOW);
      await createApps(bus.url, apps, NOW);
      await fileIngest(oracle.url, text, NOW);
      const expected = await reports(oracle.url, apps, recentDays(NOW, 3));
      await withBus(async (nc, _js, ts) => {
        const sent = await publishText(nc, ts, text, 40);
        const active = new Map<number, number>();
        const last = new Map<number, number>();
        const violations: string[] = [];
        const byConsumer = [0, 0];
        const watch = (who: number) => (b: BatchProgress) => {
          if (b.phase === 'begin') {
            if ((active.get(b.sdkappid) ?? 0) > 0) violations.push(`app ${b.sdkappid}: message ${b.sequence} began while another was being applied`);
            if ((last.get(b.sdkappid) ?? 0) >= b.sequence) violations.push(`app ${b.sdkappid}: message ${b.sequence} after ${last.get(b.sdkappid)}`);
            active.set(b.sdkappid, (active.get(b.sdkappid) ?? 0) + 1);
          } else {
            active.set(b.sdkappid, active.get(b.sdkappid)! - 1);
            last.set(b.sdkappid, b.sequence);
            byConsumer[who]!++;
          }
        };
        const [a, b] = [await startConsumer(bus, ts, { onBatch: watch(0) }), await startConsumer(bus, ts, { onBatch: watch(1) })];
        try {
          await waitUntil('all messages', () => a.consumer.stats.messages + b.consumer.stats.messages === sent.messages);
        } finally {
          await a.close();
          await b.close();
        }
        assert.deepEqual(violations, []);
        assert.ok(byConsumer[0]! > 0 && byConsumer[1]! > 0, `both consumers applied batches (${byConsumer.join(' and ')})`);
        assert.deepEqual(await reports(bus.url, apps, recentDays(NOW, 3)), expected);
      });
    } finally {
      await oracle.drop();
      await bus.drop();
    }
  });
}
