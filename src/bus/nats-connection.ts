import { connect, type NatsConnection } from '@nats-io/transport-node';

/** Default NATS server. */
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

/**
 * A NATS connection that reconnects forever (every half second) after the server goes away,
 * so a restarted server is picked up again without restarting imstats.
 */
export async function connectNats(url: string, name: string): Promise<NatsConnection> {
  return connect({
    servers: url.split(',').map((s) => s.trim()).filter(Boolean),
    name,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: false,
  });
}
