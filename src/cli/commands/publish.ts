import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { DEFAULT_PUBLISH_BATCH_LINES, DEFAULT_PUBLISH_WINDOW, publishEvents, PublishError, type PublishSummary } from '../../bus/event-publisher.js';
import { ensureEventStream } from '../../bus/event-stream.js';
import { connectNats } from '../../bus/nats-connection.js';
import type { CliContext } from '../cli-io.js';
import { CliError } from '../cli-error.js';
import { addNatsOptions, natsSettings, type NatsOptions } from '../nats-options.js';
import { positiveInt } from '../parse-args.js';
import { EXIT_SOME_REJECTED, MAX_PRINTED_REJECTIONS } from './ingest.js';

/** Room left in a message for headers and the protocol line. */
const HEADER_ROOM = 4096;

interface Options extends NatsOptions {
  readonly sdkappid?: number;
  readonly batchLines: number;
  readonly window: number;
}

/**
 * `imstats publish FILE|-`: sends NDJSON events to the JetStream stream (created when missing),
 * one app's lines per message, and finishes once JetStream acknowledged every message: what the
 * summary counts is stored. Exit status 0, or 2 when some lines were rejected (not sent).
 */
export function registerPublish(program: Command, ctx: CliContext): void {
  const command = program
    .command('publish')
    .description('send canonical events (NDJSON) from a file or standard input to the NATS JetStream stream')
    .argument('<file>', 'NDJSON file, or - for standard input');
  addNatsOptions(command)
    .option('--sdkappid <n>', 'the app of events that name none; events naming another app are rejected', positiveInt)
    .option('--batch-lines <n>', "lines per message (one app's events; applied as one batch)", positiveInt, DEFAULT_PUBLISH_BATCH_LINES)
    .option('--window <n>', 'messages awaiting their acknowledgement at once', positiveInt, DEFAULT_PUBLISH_WINDOW)
    .action((file: string, o: Options) => runPublish(ctx, file, o));
}

async function runPublish(ctx: CliContext, file: string, o: Options): Promise<void> {
  const nats = natsSettings(ctx, o);
  const input = await openInput(ctx, file);
  let nc;
  try {
    nc = await connectNats(nats.url, 'imstats publish');
  } catch (err) {
    if (file !== '-') input.destroy();
    throw new CliError(`cannot connect to NATS at ${nats.url}: ${(err as Error).message}`);
  }
  try {
    const stream = await ensureEventStream(await jetstreamManager(nc), { name: nats.stream, subject: nats.subject, partitions: nats.partitions });
    let printed = 0;
    let summary: PublishSummary;
    try {
      summary = await publishEvents(jetstream(nc), stream, input, {
        sdkappid: o.sdkappid,
        batchLines: o.batchLines,
        window: o.window,
        maxBytes: nc.info!.max_payload - HEADER_ROOM,
        onRejection: (r) => {
          if (printed++ < MAX_PRINTED_REJECTIONS) ctx.io.err(`line ${r.line}: ${r.reason}\n`);
        },
      });
    } catch (err) {
      if (err instanceof PublishError) throw new CliError(`${err.message}; publishing the same input again within 2 minutes stores nothing twice`);
      throw err;
    }
    if (printed > MAX_PRINTED_REJECTIONS) ctx.io.err(`… and ${printed - MAX_PRINTED_REJECTIONS} more rejected lines not shown\n`);
    ctx.io.out(
      `published: ${summary.published} lines in ${summary.messages} messages to stream ${stream.name}${summary.duplicates ? ` (${summary.duplicates} messages it already had)` : ''}, ${summary.rejected} rejected\n`,
    );
    if (summary.rejected > 0) ctx.exitCode = EXIT_SOME_REJECTED;
  } finally {
    if (file !== '-') input.destroy();
    await nc.drain().catch(() => nc.close());
  }
}

async function openInput(ctx: CliContext, file: string): Promise<Readable> {
  if (file === '-') return ctx.io.stdin;
  try {
    if ((await stat(file)).isDirectory()) throw new CliError(`cannot read ${JSON.stringify(file)}: it is a directory`);
  } catch (err) {
    if (err instanceof CliError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${JSON.stringify(file)}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  return createReadStream(file);
}
