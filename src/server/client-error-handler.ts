import type { Socket } from 'node:net';
import { ERROR_CODES } from '../rest/error-codes.js';
import { ENVELOPE_CONTENT_TYPE, failureEnvelope } from '../rest/envelope.js';

/**
 * Answers an HTTP request Node could not parse (bad request line, oversized headers…) with
 * Tencent's 60002 envelope over HTTP 200, as every outcome is, then closes the connection. Time
 * outs keep the conventional 408; a reset socket gets nothing.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  const body = JSON.stringify(
    failureEnvelope(ERROR_CODES.BAD_HTTP.code, `${ERROR_CODES.BAD_HTTP.info} (${err.code ?? 'parse error'})`),
  );
  socket.end(
    `HTTP/1.1 200 OK\r\nContent-Type: ${ENVELOPE_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
