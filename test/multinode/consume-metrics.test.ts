// `imstats consume --metrics-port`: a real consumer process scraped over HTTP while it works.
// One app is not registered at first, so its partition's lag stays above 0 (its messages fail and
// are retried) while the other app's partition drains; once it is registered every partition
// reaches 0 and the counters equal what was published.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApps, waitUntil } from '../support/bus-harness.js';
import { deleteStream, TEST_NATS_URL, uniqueStream, type TestStream } from '../support/nats-test.js';
import { parseExposition } from '../support/prometheus-text.js';
import { createTestDatabase, testDatabaseKinds } from '../support/test-databases.js';
import { Child } from '../support/child.js';
import { runCli } from './redis-node.js';

const PARTITIONS = 4;
/** Partition 1 (SDKAppID mod 4): registered from the start. */
const READY_APP = 1400000801;
/** Partition 2: registered only once the test saw its lag. */
const LATE_APP = 1400000802;
const NOW = Date.now();

/** Publishes `lines` lines of `sdkappid` (plus `late` lines too old to count), 10 per message; resolves to the messages published. */
async function publish(dir: string, ts: TestStream, sdkappid: number, lines: number, late = 0): Promise<number> {
  const file = join(dir, `${sdkappid}.ndjson`);
  const events = Array.from({ length: lines }, (_, i) => ({ type: 'user.login', sdkappid, user: `u${i}`, time: NOW - 3_600_000 + i }));
  for (let i = 0; i < late; i++) events.push({ type: 'user.login', sdkappid, user: `late${i}`, time: 5 });
  writeFileSync(file, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
  const out = await runCli(['publish', file, '--nats', TEST_NATS_URL, '--stream', ts.stream, '--subject', ts.subject, '--partitions', String(PARTITIONS), '--batch-lines', '10']);
  const line = out.find((l) => l.startsWith('published: '));
  assert.ok(line, out.join('\n'));
  assert.match(line, new RegExp(`^published: ${lines + late} lines in \\d+ messages`));
  return Number(/in (\d+) messages/.exec(line)![1]);
}

async function scrape(url: string): Promise<Map<string, number>> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

const lag = (m: Map<string, number>, p: number) => m.get(`imstats_jetstream_pending_messages{partition="${p}"}`)! + m.get(`imstats_jetstream_ack_pending_messages{partition="${p}"}`)!;

for (const kind of testDatabaseKinds()) {
  test(`[${kind}] imstats consume --metrics-port: lag per partition (0 once consumed), messages and events equal to what was published`, async () => {
    const ts = uniqueStream();
    const db = await createTestDatabase(kind);
    const dir = mkdtempSync(join(tmpdir(), 'imstats-consume-metrics-'));
    let consumer: Child | undefined;
    try {
      await createApps(db.url, [READY_APP], NOW);
      const readyMessages = await publish(dir, ts, READY_APP, 45, 1);
      const lateMessages = await publish(dir, ts, LATE_APP, 25);
      assert.ok(lateMessages >= 2, 'several messages wait in the late app partition');

      consumer = new Child(new URL('./imstats-cli.js', import.meta.url), [
        'consume', '--db', db.url, '--nats', TEST_NATS_URL, '--stream', ts.stream, '--subject', ts.subject,
        '--metrics-port', '0', '--retry-delay-ms', '50', '--max-deliveries', '1000000', '--progress-ms', '500',
      ], { name: 'consume' });
      const url = /^\S+/.exec(await consumer.waitFor('imstats consume: metrics on '))![0];
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/, 'loopback by default');

      let m = new Map<string, number>();
      await waitUntil('the ready app applied and the late one failing', async () => {
        m = await scrape(url);
        return m.get('imstats_consume_messages_total{outcome="applied"}') === readyMessages && m.get('imstats_consume_failed_deliveries_total')! >= 1;
      });
      for (let p = 0; p < PARTITIONS; p++) assert.ok(m.has(`imstats_jetstream_pending_messages{partition="${p}"}`), `partition ${p} has a lag series`);
      assert.equal(lag(m, READY_APP % PARTITIONS), 0, "the ready app's partition is consumed");
      assert.ok(lag(m, LATE_APP % PARTITIONS) >= 1, `the late app's partition lags (${lag(m, LATE_APP % PARTITIONS)})`);
      assert.ok(lag(m, LATE_APP % PARTITIONS) <= lateMessages);

      await createApps(db.url, [LATE_APP], NOW);
      await waitUntil('every partition consumed', async () => {
        m = await scrape(url);
        return [0, 1, 2, 3].every((p) => lag(m, p) === 0) && m.get('imstats_consume_messages_total{outcome="applied"}') === readyMessages + lateMessages;
      });
      assert.equal(m.get('imstats_consume_messages_total{outcome="duplicate"}'), 0);
      assert.equal(m.get('imstats_consume_messages_total{outcome="dead_lettered"}'), 0);
      assert.equal(m.get('imstats_events_total{outcome="accepted"}'), 45 + 25, 'every valid line published');
      assert.equal(m.get('imstats_events_total{outcome="rejected"}'), 1, 'the event too old to count');
      assert.equal(m.get('imstats_events_total{outcome="duplicate"}'), 0);
      assert.equal(m.get('imstats_batches_applied_total'), readyMessages + lateMessages, 'one batch per message');
      assert.equal(m.get('imstats_batch_commit_seconds_count'), readyMessages + lateMessages);
      assert.equal(m.get('imstats_nats_connected'), 1);
      assert.ok(m.has('process_cpu_seconds_total'));

      // Every consumer series the Grafana dashboard queries is in this scrape.
      const dashboard = readFileSync(new URL('../../../deploy/grafana/imstats.json', import.meta.url), 'utf8');
      const consumerSeries = new Set([...dashboard.matchAll(/\b(imstats_(?:jetstream|consume|nats)_[a-z0-9_]+)/g)].map((x) => x[1]!));
      assert.ok(consumerSeries.size >= 4, [...consumerSeries].join());
      for (const name of consumerSeries) assert.ok([...m.keys()].some((k) => k === name || k.startsWith(`${name}{`)), `${name} in the consumer's scrape`);

      const stopped = await consumer.stop();
      assert.equal(stopped.code, 0, consumer.stderr);
      assert.match(consumer.lines.at(-1)!, new RegExp(`^consume: ${readyMessages + lateMessages} messages applied, 0 redelivered .*lag 0$`));
    } finally {
      await consumer?.stop();
      await deleteStream(ts.stream);
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
