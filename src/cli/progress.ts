import cliProgress from 'cli-progress';
import type { CliIo } from './cli-io.js';

/** A progress bar on a terminal; on anything else it draws nothing and log() writes to stderr. */
export interface Progress {
  /** Sets the bar's position and its `{name}` placeholders. */
  update(value: number, payload?: Readonly<Record<string, string | number>>): void;
  /** Writes a whole line (ending in \n) to stderr above the bar. */
  log(line: string): void;
  /** Removes the bar. */
  stop(): void;
}

export interface ProgressOptions {
  /** The value at 100%; 0 when unknown (use a format without {bar}/{percentage}). */
  readonly total: number;
  /** cli-progress format, e.g. `{bar} {percentage}% | {value}/{total}`. */
  readonly format: string;
  readonly payload?: Readonly<Record<string, string | number>>;
}

export function startProgress(io: CliIo, options: ProgressOptions): Progress {
  if (!io.isTTY) {
    return { update: () => {}, log: (line) => io.err(line), stop: () => {} };
  }
  const multi = new cliProgress.MultiBar(
    { stream: io.progress, format: options.format, hideCursor: true, clearOnComplete: true, fps: 10, barsize: 30 },
    cliProgress.Presets.shades_classic,
  );
  const bar = multi.create(options.total, 0, { ...options.payload });
  let drawn = Date.now();
  return {
    update: (value, payload) => {
      bar.update(value, { ...payload });
      // The bar redraws on a timer, which never fires while work runs only on promise jobs (the
      // demo's in-memory simulation feeding SQLite), so redraw here too, at most 10 times a second.
      if (Date.now() - drawn >= 100) {
        drawn = Date.now();
        multi.update();
      }
    },
    log: (line) => multi.log(line),
    stop: () => {
      // Lines given to log() wait in a buffer until the next redraw; flush them before clearing.
      multi.update();
      multi.stop();
    },
  };
}

/** 1234567 → "1.2 MB", for progress payloads. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}
