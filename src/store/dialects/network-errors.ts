import type { DbFailure } from './dialect.js';

/** Socket-level failures shared by the networked databases. */
const CANNOT_CONNECT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'PROTOCOL_CONNECTION_LOST', 'ECONNABORTED']);

/** Classifies a node socket error, or returns undefined when the error is not one. */
export function classifyNetworkError(err: unknown): DbFailure | undefined {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (CANNOT_CONNECT.has(code)) return 'open';
    if (CONNECTION_LOST.has(code)) return 'ping';
  }
  const message = err instanceof Error ? err.message : '';
  if (/Connection terminated|connection is closed|Can't add new command when connection is in closed state|timeout exceeded when trying to connect/i.test(message)) {
    return 'ping';
  }
  return undefined;
}
