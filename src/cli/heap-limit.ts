/**
 * `imstats ingest` runs with a capped V8 heap. Its live data is bounded (one batch, plus caches
 * with fixed caps), but V8 lets the heap grow far past the live data before it collects, so on a
 * long file the process would otherwise keep hundreds of megabytes it does not need. The young
 * generation is halved too (8 MB semi-spaces, not 16): each of the two threads' isolates keeps
 * its young generation resident, and on a 1.43 M-user file the halving lowered peak RSS from 465
 * to 399 MB over the same first minute of work, at no measurable cost in events per second.
 * The old generation's cap is 256 MB: the main thread's heap holds about 170 MB live on a
 * 1.43 M-user file (its caches full), and 15 M events of that file ran at the same speed as
 * under 320 MB (119 k against 117 k events/s) with a peak RSS of 500 MB instead of 529 MB.
 */
export const INGEST_NODE_FLAGS: readonly string[] = ['--max-old-space-size=256', '--max-semi-space-size=8'];

/** Node flags the given CLI arguments should run with that this process lacks, if any (none when it was given heap sizes of its own). */
export function missingNodeFlags(args: readonly string[], execArgv: readonly string[]): readonly string[] {
  if (args[0] !== 'ingest') return [];
  return execArgv.some((a) => a.startsWith('--max-old-space-size') || a.startsWith('--max-semi-space-size')) ? [] : INGEST_NODE_FLAGS;
}

/** Set by bin/imstats.js in the environment of the process it re-runs: its own pid. */
export const LAUNCHER_PID_ENV = 'IMSTATS_LAUNCHER_PID';

/**
 * In a process re-run by bin/imstats.js (LAUNCHER_PID_ENV set, an IPC channel to it open): exits
 * as soon as the launcher is gone, however it died (SIGKILL included: the channel closes with the
 * process), so an ingest never goes on as an orphan. A launcher that died while this process was
 * still starting is noticed too: the channel's close may have been handled before this runs (ES
 * modules load asynchronously), so the channel being closed already, or a parent that is no
 * longer the launcher, count as gone. The open batch's transaction is abandoned, as a kill -9
 * would; a re-run skips what was committed. Elsewhere does nothing.
 */
export function stopWithLauncher(): void {
  const launcher = process.env[LAUNCHER_PID_ENV];
  if (launcher === undefined) return;
  delete process.env[LAUNCHER_PID_ENV];
  const gone = () => {
    process.stderr.write('imstats: the launching process is gone; stopping\n', () => process.exit(EXIT_LAUNCHER_GONE));
    setTimeout(() => process.exit(EXIT_LAUNCHER_GONE), 200).unref();
  };
  if (!process.channel || !process.connected || process.ppid !== Number(launcher)) return gone();
  // The channel must not keep a finished command alive.
  process.channel.unref();
  process.on('disconnect', gone);
}

/** Exit status of a child whose launcher died (128 + SIGHUP, as a shell would report a hang-up). */
export const EXIT_LAUNCHER_GONE = 129;
