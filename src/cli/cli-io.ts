import type { Readable, Writable } from 'node:stream';

/**
 * Where a command reads and writes. main() passes the process's streams; tests pass captureIo()
 * and read what a command printed without spawning a process.
 */
export interface CliIo {
  /** Standard output: results (JSON, tables, a UserSig…). Text is written as given. */
  out(text: string): void;
  /** Standard error: diagnostics, warnings, rejected lines, progress. */
  err(text: string): void;
  /** True when standard error is a terminal; progress bars are drawn only then. */
  readonly isTTY: boolean;
  /** Terminal width for tables; undefined when not a terminal (tables then assume 120). */
  readonly columns?: number;
  /** Standard input, for `ingest -`. */
  readonly stdin: Readable;
  /** Standard output as a stream, for commands that stream a lot (`simulate --out -`). */
  readonly stdout: Writable;
  /** The stream progress bars draw on (standard error). */
  readonly progress: NodeJS.WritableStream;
}

/** The real process's streams. */
export function processIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    isTTY: process.stderr.isTTY === true,
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
    stdin: process.stdin,
    stdout: process.stdout,
    progress: process.stderr,
  };
}

/** What every command gets: its I/O, environment and clock, chosen once by main() or a test. */
export interface CliContext {
  readonly io: CliIo;
  /** Environment variables (IMSTATS_DB, IMSTATS_PORT…); main() passes process.env. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Unix milliseconds; default Date.now. */
  readonly now: () => number;
  /** Aborting it stops a long-running command (serve): main() aborts on SIGINT/SIGTERM. */
  readonly signal?: AbortSignal;
  /** A command sets this to finish with a non-zero status without an error (ingest: 2). */
  exitCode: number;
  /** The program-level `--db` of this command line, set before the command runs. */
  db?: string;
}
