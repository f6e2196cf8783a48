import { captureIo, type CaptureIoOptions } from './capture-io.js';
import { runCli } from './main.js';

/** What one in-process run of the CLI did. */
export interface CapturedRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** What was drawn on the progress stream (escape codes included); empty unless `isTTY`. */
  readonly progress: string;
}

export interface RunCapturedOptions extends CaptureIoOptions {
  /** Environment (default: empty, so IMSTATS_DB/IMSTATS_PORT of the test runner do not leak in). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Unix ms clock; default Date.now. */
  readonly now?: () => number;
  readonly signal?: AbortSignal;
}

/** Runs `imstats …args` in this process with captured output, for tests. */
export async function runCaptured(args: readonly string[], options: RunCapturedOptions = {}): Promise<CapturedRun> {
  const captured = captureIo(options);
  const code = await runCli(args, { io: captured.io, env: options.env ?? {}, now: options.now, signal: options.signal });
  return { code, stdout: captured.stdout(), stderr: captured.stderr(), progress: captured.progress() };
}
