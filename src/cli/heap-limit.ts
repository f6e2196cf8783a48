/**
 * `imstats ingest` runs with a capped V8 heap. Its live data is bounded (one batch, plus caches
 * with fixed caps), but V8 lets the heap grow far past the live data before it collects, so on a
 * long file the process would otherwise keep hundreds of megabytes it does not need.
 */
export const INGEST_NODE_FLAGS: readonly string[] = ['--max-old-space-size=320'];

/** Node flags the given CLI arguments should run with that this process lacks, if any. */
export function missingNodeFlags(args: readonly string[], execArgv: readonly string[]): readonly string[] {
  if (args[0] !== 'ingest') return [];
  return execArgv.some((a) => a.startsWith('--max-old-space-size')) ? [] : INGEST_NODE_FLAGS;
}
