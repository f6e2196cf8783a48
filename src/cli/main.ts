import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { AppError } from '../store/apps-repo.js';
import { StoreError } from '../store/store-error.js';
import { processIo, type CliContext, type CliIo } from './cli-io.js';
import { CliError } from './cli-error.js';
import { databaseOption } from './database-option.js';
import { registerApp } from './commands/app.js';
import { registerConsume } from './commands/consume.js';
import { registerIngest } from './commands/ingest.js';
import { registerMigrate } from './commands/migrate.js';
import { registerPublish } from './commands/publish.js';
import { registerQuery } from './commands/query.js';
import { registerServe } from './commands/serve.js';
import { registerSimulate } from './commands/simulate.js';
import { registerToken } from './commands/token.js';
import { registerUserSig } from './commands/usersig.js';

/** The version in package.json (three levels above this file: dist/src/cli/main.js, also in helpers' build directories). */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * The `imstats` program with every command registered against `ctx`. Commander never exits the
 * process or writes to the real console: output goes through ctx.io and errors are thrown.
 */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('imstats')
    .description('Self-hosted, wire-compatible Tencent Cloud IM getappinfo: daily IM statistics from your own events')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.io.out(text),
      writeErr: (text) => ctx.io.err(text),
      outputError: (text, write) => write(text),
    })
    .showHelpAfterError('(run with --help for usage)')
    // One --db for every command, before or after its name; each command's help shows it.
    .addOption(databaseOption())
    .configureHelp({ showGlobalOptions: true })
    .hook('preAction', (_program, command) => {
      ctx.db = command.optsWithGlobals<{ db?: string }>().db;
    });
  registerServe(program, ctx);
  registerMigrate(program, ctx);
  registerApp(program, ctx);
  registerUserSig(program, ctx);
  registerIngest(program, ctx);
  registerQuery(program, ctx);
  registerSimulate(program, ctx);
  registerToken(program, ctx);
  registerConsume(program, ctx);
  registerPublish(program, ctx);
  return program;
}

export interface RunCliOptions {
  readonly io?: CliIo;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly now?: () => number;
  readonly signal?: AbortSignal;
}

/**
 * Runs one command line (arguments after `imstats`) and resolves to its exit status: 0 success,
 * 1 an error (printed as one line on stderr, no stack trace unless IMSTATS_DEBUG is set), 2
 * `ingest` with rejected lines. `serve` resolves once `signal` aborts and the server has closed.
 */
export async function runCli(args: readonly string[], options: RunCliOptions = {}): Promise<number> {
  const ctx: CliContext = {
    io: options.io ?? processIo(),
    env: options.env ?? process.env,
    now: options.now ?? Date.now,
    signal: options.signal,
    exitCode: 0,
  };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...args], { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    // Commander has already printed its own message (or the help / version text).
    if (err instanceof CommanderError) return err.exitCode;
    ctx.io.err(`error: ${describeError(err)}\n`);
    if (ctx.env.IMSTATS_DEBUG && err instanceof Error && err.stack) ctx.io.err(`${err.stack}\n`);
    return 1;
  }
}

function describeError(err: unknown): string {
  if (err instanceof CliError || err instanceof AppError || err instanceof RangeError) return err.message;
  if (err instanceof StoreError) return `database ${err.failure} failure: ${err.message}`;
  if (err instanceof Error) return `${err.message} (unexpected; set IMSTATS_DEBUG=1 for the stack trace)`;
  return String(err);
}

/**
 * The `imstats` executable (bin/imstats.js): `argv` is process.argv. Sets process.exitCode;
 * `serve` stops gracefully on SIGINT/SIGTERM.
 */
export async function main(argv: readonly string[]): Promise<void> {
  process.exitCode = await runCli(argv.slice(2));
}
