import type { FastifyRequest } from 'fastify';
import { createInflate, createInflateRaw, createGunzip, type Inflate, type InflateRaw, type Gunzip } from 'node:zlib';
import type { BodyBudget } from './body-budget.js';
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
    /** True when the limit was passed while decompressing (a small compressed body, a large one inside). */
    readonly decompressed = false,
  ) {}
}

export interface RawBodyParserOptions {
  /** Default DEFAULT_MAX_BODY_BYTES (1 MiB). */
  readonly maxBytes?: number;
  /** Default DEFAULT_MAX_DRAIN_BYTES (64 MiB). */
  readonly maxDrainBytes?: number;
}

type Done = (err: Error | null, body?: unknown) => void;
type Decoder = Gunzip | Inflate | InflateRaw;

/** Content-Encodings a request body may have; anything else is 60002. */
const ENCODINGS = new Set(['identity', 'gzip', 'x-gzip', 'deflate']);

const releases = new WeakMap<FastifyRequest, () => void>();

/** Gives back the memory a request's body reserved in its route's BodyBudget (called when the request is over). */
export function releaseBodyBudget(request: FastifyRequest): void {
  releases.get(request)?.();
  releases.delete(request);
}

/**
 * A Fastify content-type parser collecting the raw body as a Buffer whatever the Content-Type
 * (or none, or chunked without Content-Length). Registered as the catch-all parser of /v4.
 *
 * `Content-Encoding: gzip` / `deflate` bodies are decompressed as they arrive; the size limit
 * applies to the decompressed bytes, so a zip bomb stops at the limit (130001) instead of
 * filling memory. A route's `bodyBudget` bounds what all its concurrent bodies hold together.
 */
export function rawBodyParser(options: RawBodyParserOptions = {}) {
  const defaultMaxBytes = options.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  const defaultMaxDrainBytes = options.maxDrainBytes ?? DEFAULT_MAX_DRAIN_BYTES;
  return (request: FastifyRequest, payload: NodeJS.ReadableStream, done: Done): void => {
    // A route may take larger bodies (the callback receiver: Tencent batches offline pushes).
    const config = request.routeOptions.config;
    const maxBytes = config.maxBodyBytes ?? defaultMaxBytes;
    const maxDrainBytes = Math.max(defaultMaxDrainBytes, maxBytes);
    const budget: BodyBudget | undefined = config.bodyBudget;
    const encoding = contentEncoding(request.headers['content-encoding']);
    if (!ENCODINGS.has(encoding)) {
      done(new ApiError('BAD_HTTP', `Content-Encoding ${JSON.stringify(encoding.slice(0, 40))} is not supported; send the body as is, gzip or deflate`));
      return;
    }
    const declared = Number(request.headers['content-length']);
    if (declared > maxDrainBytes) {
      done(tooLarge(declared, maxBytes));
      return;
    }

    const chunks: Buffer[] = [];
    let rawSize = 0;
    let size = 0;
    let reserved = 0;
    let oversized = false;
    let finished = false;
    let payloadEnded = false;
    let decoder: Decoder | undefined;
    let head: Buffer | undefined; // the first bytes of a deflate body, until its kind is known
    const release = () => {
      budget?.release(reserved);
      reserved = 0;
    };
    if (budget) releases.set(request, release);

    const finish = (err: Error | null, body?: unknown) => {
      if (finished) return;
      finished = true;
      payload.removeListener('data', onData);
      if (decoder) {
        decoder.removeAllListeners('data');
        decoder.destroy();
      }
      if (err) {
        chunks.length = 0;
        release();
      }
      done(err, body);
    };
    const result = () => (oversized ? new OversizedBody(size, maxBytes, encoding !== 'identity') : Buffer.concat(chunks, size));

    const keep = (buf: Buffer) => {
      if (finished) return;
      size += buf.length;
      if (oversized) return;
      if (size > maxBytes) {
        // Over the limit: stop keeping (and decompressing); the rest is drained and dropped.
        oversized = true;
        chunks.length = 0;
        release();
        if (decoder) {
          decoder.removeAllListeners('data');
          decoder.destroy();
          decoder = undefined;
          // The raw body may have ended already (the decoder lags behind it): nothing else will finish.
          if (payloadEnded) finish(null, result());
        }
        return;
      }
      if (budget && !budget.reserve(buf.length)) {
        finish(new ApiError('RATE_LIMITED', `bodies being received hold ${Math.round(budget.held / 1048576)} MiB, the most this server keeps at once; retry later`));
        return;
      }
      reserved += buf.length;
      chunks.push(buf);
    };

    const startDecoder = (first: Buffer): Decoder => {
      // RFC 9110's deflate is a zlib stream, but some clients send raw deflate: tell them apart by the zlib header.
      const zlibWrapped = first.length >= 2 && (first[0]! & 0x0f) === 8 && ((first[0]! << 8) | first[1]!) % 31 === 0;
      const d = encoding === 'deflate' ? (zlibWrapped ? createInflate() : createInflateRaw()) : createGunzip();
      d.on('data', keep);
      d.once('error', (err: Error) => finish(new ApiError('BAD_HTTP', `request body is not valid ${encoding === 'deflate' ? 'deflate' : 'gzip'} data (${err.message})`)));
      d.once('end', () => finish(null, result()));
      return d;
    };

    const onData = (chunk: Buffer | string) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      rawSize += buf.length;
      if (rawSize > maxDrainBytes) {
        finish(tooLarge(rawSize, maxBytes));
        return;
      }
      if (encoding === 'identity') return keep(buf);
      if (oversized) return;
      if (decoder === undefined) {
        head = head ? Buffer.concat([head, buf]) : buf;
        if (head.length < 2) return;
        decoder = startDecoder(head);
        decoder.write(head);
        head = undefined;
        return;
      }
      decoder.write(buf);
    };
    payload.on('data', onData);
    payload.once('end', () => {
      payloadEnded = true;
      if (encoding === 'identity' || oversized) return finish(null, result());
      if (decoder === undefined) {
        if (head === undefined) return finish(null, Buffer.alloc(0)); // an empty compressed body is an empty body
        decoder = startDecoder(head);
        decoder.write(head);
      }
      decoder.end();
    });
    payload.once('error', (err: Error) => finish(err));
  };
}

function contentEncoding(header: string | string[] | undefined): string {
  const value = (Array.isArray(header) ? header.join(',') : header ?? '').trim().toLowerCase();
  return value === '' ? 'identity' : value;
}

function tooLarge(bytes: number, limit: number): ApiError {
  return new ApiError('INVALID_JSON', `request body of ${bytes} bytes is larger than the ${limit}-byte limit`);
}

/** The request's raw body (empty when there was none); 130001 when it was over the limit. */
export function rawBodyOf(request: FastifyRequest): Buffer {
  const body = request.body;
  if (body instanceof OversizedBody) {
    if (body.decompressed) throw new ApiError('INVALID_JSON', `request body is larger than the ${body.limit}-byte limit once decompressed (a compression bomb?)`);
    throw tooLarge(body.bytes, body.limit);
  }
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
