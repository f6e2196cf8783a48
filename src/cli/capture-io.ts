import { PassThrough, Readable, Writable } from 'node:stream';
import type { CliIo } from './cli-io.js';

/** A CliIo whose output is kept in memory, for tests that run commands in-process. */
export interface CapturedIo {
  readonly io: CliIo;
  /** Everything written to standard output so far. */
  stdout(): string;
  /** Everything written to standard error so far (progress bars excluded). */
  stderr(): string;
  /** Everything drawn on the progress stream (a pretend terminal when `isTTY`), escape codes included. */
  progress(): string;
}

export interface CaptureIoOptions {
  /** What `ingest -` reads; default empty. */
  readonly stdin?: string | Readable;
  readonly isTTY?: boolean;
  readonly columns?: number;
  /** Called with each chunk written to standard output (say, to wait for a line). */
  readonly onOut?: (text: string) => void;
}

export function captureIo(options: CaptureIoOptions = {}): CapturedIo {
  let out = '';
  let err = '';
  const write = (text: string) => {
    out += text;
    options.onOut?.(text);
  };
  const stdin = typeof options.stdin === 'string' || options.stdin === undefined ? Readable.from([Buffer.from(options.stdin ?? '')]) : options.stdin;
  const stdout = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      write(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      done();
    },
  });
  let drawn = '';
  const progress = Object.assign(new PassThrough(), { isTTY: options.isTTY ?? false, columns: options.columns ?? 120 });
  progress.setEncoding('utf8').on('data', (text: string) => (drawn += text));
  return {
    io: {
      out: write,
      err: (text) => void (err += text),
      isTTY: options.isTTY ?? false,
      columns: options.columns,
      stdin,
      stdout,
      progress,
    },
    stdout: () => out,
    stderr: () => err,
    progress: () => drawn,
  };
}
