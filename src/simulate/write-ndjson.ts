import { Readable, type Writable } from 'node:stream';
import type { ImEvent } from '../events/event.js';
import { NdjsonEncoder } from './ndjson-encoder.js';

const single = new NdjsonEncoder(1024);

/**
 * One event as a JSON object (no newline), exactly as it appears in the NDJSON output: keys in
 * a fixed order (type, time, sdkappid, then the type's fields), optional fields left out when
 * undefined and `ok` when true (its default), so the line parses back to the same event.
 */
export function eventToJson(e: ImEvent): string {
  single.reset();
  single.write(e);
  const line = single.text();
  return line.slice(0, -1);
}

/** Default size of the chunks `ndjsonChunks` yields. */
export const DEFAULT_CHUNK_BYTES = 64 * 1024;

/** NDJSON bytes in chunks of about `chunkBytes` (whole lines, each ending in \n); each chunk is a fresh Buffer. */
export function* ndjsonChunks(events: Iterable<ImEvent>, chunkBytes = DEFAULT_CHUNK_BYTES): Generator<Buffer, void, undefined> {
  // Slack so that most chunks fit without growing the buffer.
  const capacity = chunkBytes + 4096;
  const encoder = new NdjsonEncoder(capacity);
  for (const e of events) {
    encoder.write(e);
    if (encoder.length >= chunkBytes) yield encoder.take(capacity);
  }
  if (encoder.length > 0) yield encoder.take(0);
}

/** A byte Readable of NDJSON, for `pipeline(ndjsonReadable(events), destination)`; pulls events only as fast as it is read. */
export function ndjsonReadable(events: Iterable<ImEvent>, chunkBytes = DEFAULT_CHUNK_BYTES): Readable {
  return Readable.from(ndjsonChunks(events, chunkBytes), { objectMode: false });
}

export interface WriteNdjsonOptions {
  /** Bytes per write (default 64 KiB). */
  readonly chunkBytes?: number;
  /**
   * Bytes the stream may hold before the writer waits for 'drain' (default 1 MiB, at least the
   * stream's highWaterMark). More than one chunk, so generating the next chunk overlaps with
   * the stream writing the previous ones.
   */
  readonly maxBuffered?: number;
}

export interface WriteNdjsonResult {
  readonly events: number;
  readonly bytes: number;
}

/**
 * Writes events as NDJSON to `out`, waiting for 'drain' whenever the stream holds
 * `maxBuffered` bytes (so a slow consumer holds the generator back instead of filling memory).
 * Does not end `out` (stdout must stay open); rejects if the stream errors or closes before
 * everything is written.
 */
export async function writeNdjson(events: Iterable<ImEvent>, out: Writable, options: WriteNdjsonOptions = {}): Promise<WriteNdjsonResult> {
  const maxBuffered = Math.max(options.maxBuffered ?? 1 << 20, out.writableHighWaterMark);
  let count = 0;
  let bytes = 0;
  let failure: Error | undefined;
  const onError = (err: Error) => {
    failure ??= err;
  };
  out.on('error', onError);
  try {
    const counted = function* (): Generator<ImEvent> {
      for (const e of events) {
        count++;
        yield e;
      }
    };
    for (const chunk of ndjsonChunks(counted(), options.chunkBytes)) {
      if (failure) throw failure;
      if (out.destroyed) throw new Error('the output stream was closed before all events were written');
      bytes += chunk.length;
      out.write(chunk);
      // Past the high-water mark the stream has promised a 'drain' once it has emptied.
      if (out.writableLength >= maxBuffered) await drained(out, () => failure);
    }
    if (failure) throw failure;
    return { events: count, bytes };
  } finally {
    out.off('error', onError);
  }
}

function drained(out: Writable, failed: () => Error | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      out.off('error', onError);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(failed() ?? new Error('the output stream was closed before all events were written'));
    const onError = (err: Error) => done(err);
    out.on('drain', onDrain);
    out.on('close', onClose);
    out.on('error', onError);
  });
}
