import type { DbFailure } from './dialect.js';

/** Socket-level failures shared by the networked databases. */
const CANNOT_CONNECT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'PROTOCOL_CONNECTION_LOST', 'ECONNABORTED']);

/** pg and pg-pool messages (they carry no code) for a connection that could not be made. */
const CONNECT_TIMED_OUT = /Connection terminated due to connection timeout/i;
/** pg, pg-pool and mysql2 messages for a connection that is gone or a server that does not answer. */
const GONE =
  /Connection terminated|connection is closed|closed state|not queryable|timeout exceeded when trying to connect/i;

const CONNECTING = Symbol('imstats.connecting');

/**
 * Marks an error raised while the pool was getting a connection (opening one, or waiting for a
 * free one beyond the connect timeout): whatever the driver says, the database could not be
 * opened (130009). The dialects wrap their pools' acquire call with it.
 */
export function markConnectFailure(err: unknown): unknown {
  if (typeof err === 'object' && err !== null) Object.defineProperty(err, CONNECTING, { value: true });
  return err;
}

/** True for an error marked by markConnectFailure. */
export function isConnectFailure(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { [CONNECTING]?: boolean })[CONNECTING] === true;
}

/**
 * Classifies a node socket error or a driver's connection message, or returns undefined when the
 * error is neither. A failure while a connection is being made is `open` (130009: the server
 * cannot be reached); an established connection that breaks is `ping` (130010).
 */
export function classifyNetworkError(err: unknown): DbFailure | undefined {
  if (isConnectFailure(err)) return 'open';
  const { code, syscall } = (err ?? {}) as { code?: unknown; syscall?: unknown };
  if (typeof code === 'string') {
    if (CANNOT_CONNECT.has(code)) return 'open';
    // A reset or time-out during the TCP or protocol handshake (mysql2: `connect ETIMEDOUT`).
    if (CONNECTION_LOST.has(code)) return syscall === 'connect' ? 'open' : 'ping';
  }
  const message = err instanceof Error ? err.message : '';
  if (CONNECT_TIMED_OUT.test(message)) return 'open';
  if (GONE.test(message)) return 'ping';
  return undefined;
}
