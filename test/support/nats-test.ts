// Tests only: NATS JetStream for the bus tests, one uniquely named stream and subject per test
// (helpers run tests at the same time on one server).
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

/** The shared test server (IMSTATS_TEST_NATS_URL, else 127.0.0.1:4222). */
export const TEST_NATS_URL = process.env.IMSTATS_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/** A stream name and subject prefix no other test uses. */
export interface TestStream {
  readonly stream: string;
  readonly subject: string;
}

export function uniqueStream(): TestStream {
  const id = `${process.pid}_${randomBytes(4).toString('hex')}`;
  return { stream: `IMSTATS_T_${id}`, subject: `imstats_t.${id}` };
}

/** Deletes a test stream (and its consumers) if it exists. */
export async function deleteStream(name: string, url = TEST_NATS_URL): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(name).catch(() => false);
  } finally {
    await nc.close();
  }
}

/** Messages not yet applied by the durable consumers `<durable>-p0…` (pending + unacknowledged), and the stream's event messages. */
export async function streamLag(name: string, durable = 'imstats', url = TEST_NATS_URL): Promise<{ lag: number; consumers: number; messages: number }> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    let lag = 0;
    let consumers = 0;
    for await (const info of jsm.consumers.list(name)) {
      if (!info.name.startsWith(`${durable}-p`)) continue;
      consumers++;
      lag += info.num_pending + info.num_ack_pending;
    }
    const stream = await jsm.streams.info(name);
    return { lag, consumers, messages: stream.state.messages };
  } finally {
    await nc.close();
  }
}
