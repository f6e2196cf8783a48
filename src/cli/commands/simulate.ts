import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { DEFAULT_RETENTION_DAYS } from '../../ingest/ingestor.js';
import { simulateEvents, simulationPlan, writeNdjson, type SimulateOptions } from '../../simulate/index.js';
import { OPENIM_SIMULATION_KNOBS, openImDeliveries, writeOpenImDeliveries } from '../../simulate/openim-encoder.js';
import { AppsRepo, DEFAULT_TIMEZONE } from '../../store/apps-repo.js';
import type { CliContext } from '../cli-io.js';
import { CliError } from '../cli-error.js';
import { withStore } from '../database-option.js';
import { calendarDay, integer, positiveInt } from '../parse-args.js';
import { formatBytes, startProgress } from '../progress.js';

interface Options {
  readonly sdkappid: number;
  readonly days: number;
  readonly users: number;
  readonly seed: number;
  readonly start?: string;
  readonly out: string;
  readonly timezone?: string;
  readonly format: 'ndjson' | 'openim';
}

/**
 * `imstats simulate`: writes a deterministic, time-ordered NDJSON workload (a warm-up day, then
 * `--days` days) to a file or stdout, streaming. The time zone is `--timezone`, else the app's
 * when it exists in the database, else Asia/Shanghai. A summary goes to stderr.
 */
export function registerSimulate(program: Command, ctx: CliContext): void {
  program
    .command('simulate')
    .description('write a realistic, reproducible IM workload as canonical events (NDJSON)')
    .requiredOption('--sdkappid <n>', 'the app every event belongs to', positiveInt)
    .requiredOption('--days <n>', 'simulated days (after a warm-up day)', positiveInt)
    .requiredOption('--users <n>', 'users of the app over the period', positiveInt)
    .option('--seed <n>', 'PRNG seed: same options and seed, same bytes', integer, 1)
    .option('--start <YYYYMMDD>', 'first simulated day (default: --days days before today, so the last day is yesterday)', calendarDay)
    .option('--out <file>', 'output file, or - for stdout', '-')
    .option('--format <format>', 'ndjson (canonical events) or openim (the webhooks an OpenIM server would post, one JSON line each)', simulateFormat, 'ndjson')
    .option('--timezone <tz>', "IANA time zone of the days and the diurnal curve (default: the app's, else Asia/Shanghai)")
    .action(async (o: Options) => {
      const timezone = o.timezone ?? (await withStore(ctx, (store) => new AppsRepo(store).get(o.sdkappid)))?.timezone ?? DEFAULT_TIMEZONE;
      const nowMs = ctx.now();
      let finished = 0;
      let onDay: (day: string) => void = () => {};
      const options: SimulateOptions = {
        sdkappid: o.sdkappid,
        days: o.days,
        users: o.users,
        seed: o.seed,
        start: o.start,
        timezone,
        now: nowMs,
        onDay: (d) => onDay(d.day),
        // OpenIM has no webhook for these; without them the stream says the whole workload.
        ...(o.format === 'openim' ? OPENIM_SIMULATION_KNOBS : {}),
      };
      // Checks every option (RangeError naming it) before a file is created or a bar drawn.
      const plan = simulationPlan(options);
      const out: Writable = o.out === '-' ? ctx.io.stdout : await openOutput(o.out);
      const progress = startProgress(ctx.io, { total: o.days + 1, format: '{bar} {value}/{total} days | {day}', payload: { day: '' } });
      onDay = (day) => progress.update(++finished, { day });
      let result;
      const leftOut = new Map<string, number>();
      try {
        if (o.format === 'openim') {
          const deliveries = openImDeliveries(simulateEvents(options), { onLeftOut: (_e, reason) => leftOut.set(reason, (leftOut.get(reason) ?? 0) + 1) });
          const written = await writeOpenImDeliveries(deliveries, out);
          result = { events: written.deliveries, bytes: written.bytes };
        } else {
          result = await writeNdjson(simulateEvents(options), out);
        }
        if (o.out !== '-') await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      } catch (err) {
        if (o.out !== '-') out.destroy();
        throw new CliError(`cannot write ${o.out === '-' ? 'standard output' : JSON.stringify(o.out)}: ${(err as Error).message}`);
      } finally {
        progress.stop();
      }
      for (const [reason, count] of leftOut) ctx.io.err(`left out: ${count} events (${reason})\n`);
      ctx.io.err(
        `simulated: ${result.events} ${o.format === 'openim' ? 'OpenIM webhooks' : 'events'} (${formatBytes(result.bytes)}), app ${o.sdkappid}, ${o.users} users, ` +
          `days ${plan.warmUpDay} (warm-up) to ${plan.end}, ${timezone}, seed ${o.seed}\n`,
      );
      const oldest = nowMs - DEFAULT_RETENTION_DAYS * 86_400_000;
      if (plan.fromMs < oldest) {
        ctx.io.err(
          `warning: events before ${new Date(oldest).toISOString()} are older than the ${DEFAULT_RETENTION_DAYS}-day ingest window; ` +
            '`imstats ingest` will reject them\n',
        );
      }
    });
}

function simulateFormat(value: string): 'ndjson' | 'openim' {
  if (value !== 'ndjson' && value !== 'openim') throw new CliError(`--format must be ndjson or openim, got ${JSON.stringify(value)}`);
  return value;
}

/** Opens the output file, so a bad path is reported before anything is simulated. */
async function openOutput(path: string): Promise<Writable> {
  const out = createWriteStream(path);
  await new Promise<void>((resolve, reject) => {
    out.once('open', () => resolve());
    out.once('error', (err) => reject(new CliError(`cannot write ${JSON.stringify(path)}: ${err.message}`)));
  });
  return out;
}
