import type { FastifyRequest } from 'fastify';
import { ApiError } from './error-codes.js';

/** Largest body a /v4 call may carry: 1 MiB (Tencent's limit). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Oversized bodies are read and discarded up to this many bytes so the client, still writing,
 * gets its 130001 answer on a healthy keep-alive connection; beyond it the connection is closed.
 */
export const DEFAULT_MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/** Stands in for a body that was over the limit; the route answers 130001 after authentication. */
export class OversizedBody {
  constructor(
    readonly bytes: number,
    readonly limit: number,
  ) {}
}

export interface RawBodyParserOptions {
  /** Default DEFAULT_MAX_BODY_BYTES (1 MiB). */
  readonly maxBytes?: number;
  /** Default DEFAULT_MAX_DRAIN_BYTES (64 MiB). */
  readonly maxDrainBytes?: number;
}

type Done = (err: Error | null, body?: unknown) => void;

/**
 * A Fastify content-type parser collecting the raw body as a Buffer whatever the Content-Type
 * (or none, or chunked without Content-Length). Registered as the catch-all parser of /v4.
 */
export function rawBodyParser(options: RawBodyParserOptions = {}) {
  const defaultMaxBytes = options.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  const defaultMaxDrainBytes = options.maxDrainBytes ?? DEFAULT_MAX_DRAIN_BYTES;
  return (request: FastifyRequest, payload: NodeJS.ReadableStream, done: Done): void => {
    // A route may take larger bodies (the callback receiver: Tencent batches offline pushes).
    const maxBytes = request.routeOptions.config.maxBodyBytes ?? defaultMaxBytes;
    const maxDrainBytes = Math.max(defaultMaxDrainBytes, maxBytes);
    const declared = Number(request.headers['content-length']);
    if (declared > maxDrainBytes) {
      done(tooLarge(declared, maxBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let finished = false;
    const finish = (err: Error | null, body?: unknown) => {
      if (finished) return;
      finished = true;
      payload.removeListener('data', onData);
      done(err, body);
    };
    const onData = (chunk: Buffer | string) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buf.length;
      if (size <= maxBytes) chunks.push(buf);
      else if (size > maxDrainBytes) finish(tooLarge(size, maxBytes));
      else chunks.length = 0;
    };
    payload.on('data', onData);
    payload.once('end', () => finish(null, size > maxBytes ? new OversizedBody(size, maxBytes) : Buffer.concat(chunks, size)));
    payload.once('error', (err: Error) => finish(err));
  };
}

function tooLarge(bytes: number, limit: number): ApiError {
  return new ApiError('INVALID_JSON', `request body of ${bytes} bytes is larger than the ${limit}-byte limit`);
}

/** The request's raw body (empty when there was none); 130001 when it was over the limit. */
export function rawBodyOf(request: FastifyRequest): Buffer {
  const body = request.body;
  if (body instanceof OversizedBody) throw tooLarge(body.bytes, body.limit);
  if (Buffer.isBuffer(body)) return body;
  return Buffer.alloc(0);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A raw body as text; 130001 naming `what` when it is not valid UTF-8. */
export function utf8Text(raw: Buffer, what = 'request body'): string {
  try {
    return UTF8.decode(raw);
  } catch {
    throw new ApiError('INVALID_JSON', `${what} is not valid UTF-8`);
  }
}
