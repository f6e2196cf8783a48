// Tests only: `imstats serve` run in this process (runCaptured), watched as it prints, stopped by its abort signal.
import { runCaptured, type CapturedRun } from '../../src/cli/run-captured.js';

/** A running `imstats serve`: its output so far, and a way to stop it. */
export interface Serving {
  readonly stdout: () => string;
  /** Resolves once the given text has been printed on stdout. */
  printed(text: string): Promise<void>;
  stop(): Promise<CapturedRun>;
}

/** Starts `imstats serve …args` with the given environment (nothing of the test runner's). */
export function startServe(args: readonly string[], env: Record<string, string> = {}): Serving {
  const stop = new AbortController();
  let out = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  const done = runCaptured(['serve', ...args], {
    env,
    signal: stop.signal,
    onOut: (text) => {
      out += text;
      for (const w of waiters.filter((w) => out.includes(w.text))) w.resolve();
    },
  });
  return {
    stdout: () => out,
    printed: (text) =>
      Promise.race([
        new Promise<void>((resolve) => (out.includes(text) ? resolve() : waiters.push({ text, resolve }))),
        done.then((run) => Promise.reject(new Error(`serve ended (exit ${run.code}) before printing ${JSON.stringify(text)}: ${run.stderr}`))),
      ]),
    stop: () => {
      stop.abort();
      return done;
    },
  };
}
