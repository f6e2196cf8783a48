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
  readonly help: boolean;
}

export const DEFAULT_BENCH_OUT = 'bench-results/latest.json';

export const BENCH_USAGE = `usage: npm run bench -- [--quick] [--only getappinfo|ingest|scale|getstats|nats[,…]] [--out FILE]

  --quick          short runs and small inputs (under 2 minutes)
  --only PARTS     run only these parts (comma-separated or repeated)
  --out FILE       write the JSON here (default ${DEFAULT_BENCH_OUT})
  --readme [FILE]  also regenerate the tables in README.md (or FILE) between its bench markers`;

/** A flag the suite does not understand; run.ts prints it with the usage. */
export class BenchArgsError extends Error {
  override readonly name = 'BenchArgsError';
}

/** Parses the suite's flags (`--only x`, `--only=x`, repeated or comma-separated). */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  let quick = false;
  let help = false;
  let out = DEFAULT_BENCH_OUT;
  let readme: string | undefined;
  const only = new Set<BenchPart>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0 && arg.startsWith('--')) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new BenchArgsError(`${name} needs a value`);
      return next;
    };
    switch (name) {
      case '--quick':
        quick = true;
        break;
      case '--help':
      case '-h':
        help = true;
        break;
      case '--readme':
        readme = eq > 0 ? arg.slice(eq + 1) : argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--') ? argv[++i]! : 'README.md';
        break;
      case '--out':
        out = value();
        break;
      case '--only':
        for (const part of value().split(',')) {
          const p = part.trim();
          if (!(BENCH_PARTS as readonly string[]).includes(p)) {
            throw new BenchArgsError(`unknown part "${p}" for --only (use ${BENCH_PARTS.join(', ')})`);
          }
          only.add(p as BenchPart);
        }
        break;
      default:
        throw new BenchArgsError(`unknown argument "${arg}"`);
    }
  }
  return { quick, help, out, ...(readme !== undefined ? { readme } : {}), only: only.size ? BENCH_PARTS.filter((p) => only.has(p)) : [...BENCH_PARTS] };
}
