import { createServer as createHttpServer, type RequestListener, type Server as HttpServer, type ServerOptions } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { FastifyInstance } from 'fastify';
import type { ConnectionGate } from './connection-gate.js';

/** Default time to receive a request's headers: 5 s (a slowloris client is cut then). */
export const DEFAULT_HEADERS_TIMEOUT_MS = 5_000;
/** Default time to receive a whole request, body included: 10 s (bodies are at most 16 MiB). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Default idle time of a keep-alive connection between requests: 5 s (Node's default). */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 5_000;

export interface Timeouts {
  /** Headers must arrive within this; default DEFAULT_HEADERS_TIMEOUT_MS. */
  readonly headersTimeoutMs?: number;
  /** The whole request must arrive within this (≥ headersTimeoutMs); default DEFAULT_REQUEST_TIMEOUT_MS. */
  readonly requestTimeoutMs?: number;
  /** An idle keep-alive connection is closed after this; default DEFAULT_KEEP_ALIVE_TIMEOUT_MS. */
  readonly keepAliveTimeoutMs?: number;
}

export interface ServerSet {
  /** Plain HTTP unless `tls` is given without `alongsideHttp`. */
  readonly primary: HttpServer | HttpsServer;
  /** The HTTPS server beside an HTTP primary (`--tls-port`). */
  readonly secondary?: HttpsServer;
}

export interface ServerSetOptions {
  readonly timeouts: Timeouts;
  readonly gate: ConnectionGate;
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer; readonly alongsideHttp: boolean };
  /** Node's 'clientError' handler, attached to the secondary server (Fastify attaches it to the primary). */
  readonly clientErrorHandler: (err: Error, socket: import('node:net').Socket) => void;
}

/** Checks timeouts: whole milliseconds, positive, headers within the request's. */
export function checkedTimeouts(t: Timeouts): Required<Timeouts> {
  const out = {
    headersTimeoutMs: t.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: t.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: t.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  };
  for (const [name, value] of Object.entries(out)) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive whole number of milliseconds, got ${value}`);
  }
  if (out.headersTimeoutMs > out.requestTimeoutMs) {
    throw new RangeError(`headersTimeoutMs (${out.headersTimeoutMs}) must not exceed requestTimeoutMs (${out.requestTimeoutMs})`);
  }
  return out;
}

/**
 * Builds the servers for Fastify's `serverFactory`: the primary one Fastify listens on and,
 * with TLS beside HTTP, an HTTPS server sharing the same handler (so one process, one set of
 * limits and caches, serves `http://` and `https://` while SDKs move one by one). Node checks
 * the header and request timeouts only every `connectionsCheckingInterval` (30 s by default,
 * which let a stalled body live for minutes), so the interval here is a quarter of the shortest
 * timeout, at most 1 s.
 */
export function createServerSet(handler: RequestListener, options: ServerSetOptions): ServerSet {
  const t = checkedTimeouts(options.timeouts);
  const http: ServerOptions = {
    headersTimeout: t.headersTimeoutMs,
    requestTimeout: t.requestTimeoutMs,
    keepAliveTimeout: t.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(t.headersTimeoutMs / 4))),
  };
  const tls = options.tls;
  const primary = tls && !tls.alongsideHttp ? createHttpsServer({ ...http, cert: tls.cert, key: tls.key }, handler) : createHttpServer(http, handler);
  const secondary = tls?.alongsideHttp ? createHttpsServer({ ...http, cert: tls.cert, key: tls.key }, handler) : undefined;
  for (const server of [primary, secondary]) {
    if (server === undefined) continue;
    // Node applies keepAliveTimeout from the options only since v22; set it on the instance too.
    server.keepAliveTimeout = t.keepAliveTimeoutMs;
    options.gate.attach(server);
  }
  secondary?.on('clientError', options.clientErrorHandler);
  return { primary, ...(secondary ? { secondary } : {}) };
}

const secondaries = new WeakMap<FastifyInstance, HttpsServer>();

/** Remembers the HTTPS server beside an app's HTTP one (listen() starts it, app.close() stops it). */
export function setSecondaryServer(app: FastifyInstance, server: HttpsServer): void {
  secondaries.set(app, server);
}

/** The HTTPS server serving beside an app's HTTP one, when it was built with TLS alongside HTTP. */
export function secondaryServerOf(app: FastifyInstance): HttpsServer | undefined {
  return secondaries.get(app);
}
