import { Command, CommanderError, InvalidArgumentError } from 'commander';

/** The parts of the suite `--only` can pick. */
export const BENCH_PARTS = ['getappinfo', 'ingest', 'scale', 'getstats', 'nats'] as const;
export type BenchPart = (typeof BENCH_PARTS)[number];

export interface BenchArgs {
  /** Short runs and smaller inputs (under 2 minutes); default false (about 10 minutes). */
  readonly quick: boolean;
  /** Parts to run, in suite order; default all of them. */
  readonly only: readonly BenchPart[];
  /** Where the JSON goes; default bench-results/latest.json (relative to the working directory). */
  readonly out: string;
  /** Also rewrite the bench tables in this README (between its bench markers); default none. */
  readonly readme?: string;
  /** Sizes of the ingestion scaling series instead of the plan's (1 M, 10 M, 100 M; --quick 300 k, 1 M). */
  readonly scaleEvents?: readonly number[];
  /** A bench JSON of an earlier run whose measured scaling rows stand in for the sizes it has (--scale-from). */
  readonly scaleFrom?: string;
  readonly help: boolean;
}

export const DEFAULT_BENCH_OUT = 'bench-results/latest.json';

/** A flag the suite does not understand; run.ts prints it with the usage. */
export class BenchArgsError extends Error {
  override readonly name = 'BenchArgsError';
}

/** `--only` values, comma-separated or repeated, collected into one set. */
function parts(value: string, previous: ReadonlySet<BenchPart> = new Set()): Set<BenchPart> {
  const all = new Set(previous);
  for (const part of value.split(',').map((p) => p.trim())) {
    if (!(BENCH_PARTS as readonly string[]).includes(part)) throw new InvalidArgumentError(`unknown part "${part}" (use ${BENCH_PARTS.join(', ')})`);
    all.add(part as BenchPart);
  }
  return all;
}

/** `--scale-events 1000000,3000000`: positive integers, ascending. */
function eventCounts(value: string): number[] {
  const sizes = value.split(',').map((v) => Number(v.trim().replaceAll('_', '')));
  if (sizes.some((n) => !Number.isSafeInteger(n) || n <= 0)) throw new InvalidArgumentError(`"${value}" is not a list of event counts`);
  return sizes.sort((a, b) => a - b);
}

/** The suite's options; commander never prints or exits (run.ts does, with BENCH_USAGE). */
function benchProgram(): Command {
  return new Command('npm run bench --')
    .helpOption(false)
    .option('--quick', 'short runs and small inputs (under 2 minutes)')
    .option('--only <parts>', `run only these parts: ${BENCH_PARTS.join(', ')} (comma-separated or repeated)`, parts)
    .option('--out <file>', 'write the JSON here', DEFAULT_BENCH_OUT)
    .option('--readme [file]', 'also regenerate the tables in README.md (or FILE) between its bench markers')
    .option('--scale-events <sizes>', 'sizes of the ingestion scaling series, comma-separated (default 1000000,10000000,100000000; --quick 300000,1000000)', eventCounts)
    .option('--scale-from <file>', "take the scaling rows of sizes this earlier run's JSON measured (say a 100 M run made alone) instead of running them again; the table names that run")
    .option('-h, --help', 'this usage')
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
}

export const BENCH_USAGE = benchProgram().helpInformation().trimEnd();

/** Parses the suite's flags (`--only x`, `--only=x`, repeated or comma-separated). */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  let o: { quick?: true; only?: Set<BenchPart>; out: string; readme?: string | true; scaleEvents?: number[]; scaleFrom?: string; help?: true };
  try {
    o = benchProgram().parse(argv, { from: 'user' }).opts();
  } catch (err) {
    if (err instanceof CommanderError) throw new BenchArgsError(err.message.replace(/^error: /, ''));
    throw err;
  }
  const readme = o.readme === true ? 'README.md' : o.readme;
  return {
    quick: o.quick ?? false,
    help: o.help ?? false,
    out: o.out,
    ...(readme !== undefined ? { readme } : {}),
    ...(o.scaleEvents ? { scaleEvents: o.scaleEvents } : {}),
    ...(o.scaleFrom !== undefined ? { scaleFrom: o.scaleFrom } : {}),
    only: o.only ? BENCH_PARTS.filter((p) => o.only!.has(p)) : [...BENCH_PARTS],
  };
}
