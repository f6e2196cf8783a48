import { ingestorForStore } from '../../ingest/ingestor-for-store.js';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { DEFAULT_BATCH_LINES, ingestStream, StreamSourceError, type StreamSummary } from '../../ingest/ingest-stream.js';
import { AppsRepo } from '../../store/apps-repo.js';
import { pruneExpired } from '../../store/retention.js';
import type { CliContext } from '../cli-io.js';
import { CliError } from '../cli-error.js';
import { withStore } from '../database-option.js';
import { positiveInt } from '../parse-args.js';
import { formatBytes, startProgress } from '../progress.js';
import { announceChange, redisOption, redisPrefix, redisPrefixOption, redisUrl } from '../redis-option.js';

/** Rejected lines printed one by one; the rest are only counted. */
export const MAX_PRINTED_REJECTIONS = 100;

/** Exit status when every valid line was applied but some lines were rejected. */
export const EXIT_SOME_REJECTED = 2;

interface Options {
  readonly sdkappid?: number;
  readonly batchLines: number;
  readonly redis?: string;
  readonly redisPrefix?: string;
}

/**
 * `imstats ingest FILE|-`: streams NDJSON events through the pipeline in atomic batches whose ids
 * come from their content, so re-running a file (after a crash, or by mistake) applies nothing
 * twice. Rejected lines go to stderr as `line N: reason`; the summary line to stdout. Exit status
 * 0 when every line was accepted, 2 when some were rejected (the valid ones are applied).
 */
export function registerIngest(program: Command, ctx: CliContext): void {
  program
    .command('ingest')
    .description('ingest canonical events (NDJSON) from a file or standard input')
    .argument('<file>', 'NDJSON file, or - for standard input')
    .option('--sdkappid <n>', 'the app of events that name none; events naming another app are rejected', positiveInt)
    .option('--batch-lines <n>', 'lines per atomic batch', positiveInt, DEFAULT_BATCH_LINES)
    .addOption(redisOption("when done, tell the API nodes using this Redis that these apps' numbers changed (their cached answers are dropped at once)"))
    .addOption(redisPrefixOption())
    .action((file: string, o: Options) => runIngest(ctx, file, o));
}

async function runIngest(ctx: CliContext, file: string, o: Options): Promise<void> {
  const { input, size } = await openInput(ctx, file);
  try {
    await withStore(ctx, async (store) => {
      const apps = new AppsRepo(store);
      if (o.sdkappid !== undefined) await apps.require(o.sdkappid);
      const changed = new Set<number>();
      const ingestor = ingestorForStore(store, { apps, clock: ctx.now, onApplied: (ids) => ids.forEach((id) => changed.add(id)) });

      const started = Date.now();
      const progress = startProgress(ctx.io, {
        total: size ?? 0,
        format:
          size === undefined
            ? '{lines} lines | {rate} lines/s | {rejected} rejected'
            : '{bar} {percentage}% | {done} of {size} | {lines} lines | {rate} lines/s | {rejected} rejected',
        payload: { lines: 0, rate: 0, rejected: 0, done: formatBytes(0), size: formatBytes(size ?? 0) },
      });
      let printed = 0;
      let rejected = 0;
      let summary;
      try {
        summary = await ingestStream(ingestor, input, {
          sdkappid: o.sdkappid,
          batchLines: o.batchLines,
          onRejection: (r) => {
            rejected++;
            if (printed < MAX_PRINTED_REJECTIONS) {
              printed++;
              progress.log(`line ${r.line}: ${r.reason}\n`);
            }
          },
          onProgress: (p) => {
            const seconds = Math.max((Date.now() - started) / 1000, 0.001);
            progress.update(Math.min(p.bytes, size ?? p.bytes), {
              lines: p.lines,
              rate: Math.round(p.lines / seconds),
              rejected: p.rejected,
              done: formatBytes(p.bytes),
              size: formatBytes(size ?? 0),
            });
          },
        });
      } catch (err) {
        if (!(err instanceof StreamSourceError)) throw err;
        // What was committed stays committed; a re-run of the same input skips it.
        throw new CliError(`${err.message}; re-run to resume`);
      } finally {
        progress.stop();
        const url = redisUrl(ctx, o.redis);
        // Also after a failure: what was committed is there for the nodes to show.
        if (url !== undefined && changed.size > 0) await announceChange(ctx, url, redisPrefix(ctx, o.redisPrefix), { kind: 'data', sdkappids: [...changed] });
      }
      if (rejected > printed) ctx.io.err(`… and ${rejected - printed} more rejected lines not shown\n`);
      ctx.io.out(`ingested: ${summaryLine(summary)}\n`);
      const pruned = await pruneExpired(store, ctx.now(), ingestor.retentionDays);
      if (pruned.sets + pruned.batches > 0) {
        ctx.io.err(`pruned detail older than ${ingestor.retentionDays} days: ${pruned.sets} kept sets, ${pruned.batches} batch ids\n`);
      }
      if (summary.rejected > 0) ctx.exitCode = EXIT_SOME_REJECTED;
    });
  } finally {
    if (file !== '-') input.destroy();
  }
}

async function openInput(ctx: CliContext, file: string): Promise<{ input: Readable; size: number | undefined }> {
  if (file === '-') return { input: ctx.io.stdin, size: undefined };
  let info;
  try {
    info = await stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${JSON.stringify(file)}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  if (info.isDirectory()) throw new CliError(`cannot read ${JSON.stringify(file)}: it is a directory`);
  const input = createReadStream(file);
  // Open errors (permissions) surface here rather than as an unhandled stream error later.
  await new Promise<void>((resolve, reject) => {
    input.once('open', () => resolve());
    input.once('error', (err) => reject(new CliError(`cannot read ${JSON.stringify(file)}: ${err.message}`)));
  });
  return { input, size: info.isFile() ? info.size : undefined };
}

/** `X accepted, A already applied, Y rejected (B batches, S of them applied before)`: lines of a batch applied before are never "accepted". */
function summaryLine(s: StreamSummary): string {
  return `${s.accepted} accepted, ${s.alreadyApplied} already applied, ${s.rejected} rejected (${s.batches} batches, ${s.skippedBatches} of them applied before)`;
}
