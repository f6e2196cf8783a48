import { Option, type Command } from 'commander';
import { DEFAULT_NATS_URL } from '../bus/nats-connection.js';
import { DEFAULT_PARTITIONS, DEFAULT_STREAM, DEFAULT_SUBJECT } from '../bus/event-stream.js';
import type { CliContext } from './cli-io.js';
import { positiveInt } from './parse-args.js';

/** The options `consume` and `publish` share. */
export interface NatsOptions {
  readonly nats?: string;
  readonly stream?: string;
  readonly subject?: string;
  readonly partitions?: number;
}

/** Adds --nats, --stream, --subject and --partitions. */
export function addNatsOptions(command: Command): Command {
  return command
    .addOption(new Option('--nats <url>', `NATS server(s), comma-separated (default: $IMSTATS_NATS_URL, else ${DEFAULT_NATS_URL})`))
    .option('--stream <name>', `JetStream stream, created when missing (default: $IMSTATS_NATS_STREAM, else ${DEFAULT_STREAM})`)
    .option('--subject <prefix>', `subject prefix: events of app A go to <prefix>.<A mod partitions>.<A> (default: $IMSTATS_NATS_SUBJECT, else ${DEFAULT_SUBJECT})`)
    .option('--partitions <n>', `partitions of a stream created now; an existing stream keeps its own (default ${DEFAULT_PARTITIONS})`, positiveInt);
}

/** The options with their environment defaults applied. */
export function natsSettings(ctx: CliContext, o: NatsOptions): { url: string; stream?: string; subject?: string; partitions?: number } {
  return {
    url: o.nats ?? (ctx.env.IMSTATS_NATS_URL || DEFAULT_NATS_URL),
    stream: o.stream ?? (ctx.env.IMSTATS_NATS_STREAM || undefined),
    subject: o.subject ?? (ctx.env.IMSTATS_NATS_SUBJECT || undefined),
    partitions: o.partitions,
  };
}
