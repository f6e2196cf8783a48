import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { DEFAULT_ACK_WAIT_MS, DEFAULT_CONCURRENCY, DEFAULT_DURABLE, DEFAULT_MAX_DELIVERIES, DEFAULT_RETRY_DELAY_MS, EventConsumer } from '../../bus/event-consumer.js';
import { connectNats } from '../../bus/nats-connection.js';
import { ingestorForStore } from '../../ingest/ingestor-for-store.js';
import { AppsRepo } from '../../store/apps-repo.js';
import type { CliContext } from '../cli-io.js';
import { CliError } from '../cli-error.js';
import { withStore } from '../database-option.js';
import { addNatsOptions, natsSettings, type NatsOptions } from '../nats-options.js';
import { port, positiveInt } from '../parse-args.js';
import { changeAnnouncer, redisOption, redisPrefix, redisPrefixOption, redisUrl } from '../redis-option.js';
import { aborted, processStopSignal } from '../stop-signal.js';
import { IngestMetrics } from '../../metrics/ingest-metrics.js';
import { registerConsumeMetrics } from '../../metrics/consume-metrics.js';
import { serveMetrics } from '../../metrics/metrics-server.js';
import { newMetricsRegistry } from '../../metrics/registry.js';
import { envNumber } from './serve.js';

/** Rejected lines printed per progress interval; the rest are only counted. */
const MAX_PRINTED_REJECTIONS = 100;
/** Default interval of the progress line. */
const DEFAULT_PROGRESS_MS = 5000;

interface Options extends NatsOptions {
  readonly durable: string;
  readonly ackWaitMs: number;
  readonly maxDeliveries: number;
  readonly concurrency: number;
  readonly retryDelayMs: number;
  readonly progressMs: number;
  readonly metricsPort?: number;
  readonly metricsHost?: string;
  readonly redis?: string;
  readonly redisPrefix?: string;
}

/** Where --metrics-port listens by default: this host only. */
const DEFAULT_METRICS_HOST = '127.0.0.1';

/**
 * `imstats consume`: applies the NATS JetStream event stream to the database, exactly once and
 * in order per app, until SIGINT/SIGTERM (or ctx.signal); any number of processes share the
 * partitions. Prints a ready line, then a progress line (counts and lag) every --progress-ms on
 * stdout; rejected lines, failures and dead letters on stderr.
 */
export function registerConsume(program: Command, ctx: CliContext): void {
  const command = program
    .command('consume')
    .description('apply events from a NATS JetStream stream (exactly once, in order per app; run as many as you like)');
  addNatsOptions(command)
    .option('--durable <name>', 'durable consumer name prefix (one consumer per partition: <name>-p<N>); another name reads the stream again from the start', DEFAULT_DURABLE)
    .option('--ack-wait-ms <n>', "a dead consumer's unacknowledged message goes to another after this", positiveInt, DEFAULT_ACK_WAIT_MS)
    .option('--max-deliveries <n>', 'a message failing this many times goes to the dead-letter subject <subject>.dead.<sdkappid> (an unavailable database never counts)', positiveInt, DEFAULT_MAX_DELIVERIES)
    .option('--concurrency <n>', 'batches this process applies at once (one per partition at most)', positiveInt, DEFAULT_CONCURRENCY)
    .option('--retry-delay-ms <n>', 'first delay before a failed message is tried again (doubled each time, at most 30 s)', positiveInt, DEFAULT_RETRY_DELAY_MS)
    .option('--progress-ms <n>', 'interval of the progress line', positiveInt, DEFAULT_PROGRESS_MS)
    .option('--metrics-port <n>', 'serve GET /metrics (Prometheus text format: lag per partition, messages, events, batches) on this port; 0: any free port, printed (default: $IMSTATS_METRICS_PORT, else none)', port)
    .option('--metrics-host <address>', `address of the --metrics-port listener (default: $IMSTATS_METRICS_HOST, else ${DEFAULT_METRICS_HOST})`)
    .addOption(redisOption("after each batch, tell the API nodes using this Redis that its app's numbers changed (their cached answers are dropped at once)"))
    .addOption(redisPrefixOption())
    .action((o: Options) => runConsume(ctx, o));
}

async function runConsume(ctx: CliContext, o: Options): Promise<void> {
  const nats = natsSettings(ctx, o);
  const metricsPort = o.metricsPort ?? envNumber(ctx.env, 'IMSTATS_METRICS_PORT', port);
  const metricsHost = o.metricsHost ?? (ctx.env.IMSTATS_METRICS_HOST || DEFAULT_METRICS_HOST);
  if (metricsPort === undefined && o.metricsHost !== undefined) throw new CliError('--metrics-host needs --metrics-port');
  const redisAt = redisUrl(ctx, o.redis);
  // Installed first: a signal during start-up stops the command once it is ready, cleanly.
  const signal = ctx.signal ?? processStopSignal();
  await withStore(ctx, async (store) => {
    const apps = new AppsRepo(store);
    let nc;
    try {
      nc = await connectNats(nats.url, 'imstats consume');
    } catch (err) {
      throw new CliError(`cannot connect to NATS at ${nats.url}: ${(err as Error).message}`);
    }
    const changes = redisAt === undefined ? undefined : changeAnnouncer(ctx, redisAt, redisPrefix(ctx, o.redisPrefix));
    const registry = metricsPort === undefined ? undefined : newMetricsRegistry();
    const ingestMetrics = registry && new IngestMetrics(registry);
    const ingestor = ingestorForStore(store, {
      apps,
      clock: ctx.now,
      ...(ingestMetrics ? { onOutcome: (outcome) => ingestMetrics.observe(outcome) } : {}),
      // Committed (not yet acknowledged): the API nodes may show it now.
      ...(changes ? { onApplied: (ids) => changes.announce({ kind: 'data', sdkappids: [...ids] }) } : {}),
    });
    let metricsServer: Server | undefined;
    let printed = 0;
    let unprinted = 0;
    try {
      const consumer = await EventConsumer.open(nc, ingestor, {
        name: nats.stream,
        subject: nats.subject,
        partitions: nats.partitions,
        durable: o.durable,
        ackWaitMs: o.ackWaitMs,
        maxDeliveries: o.maxDeliveries,
        concurrency: o.concurrency,
        retryDelayMs: o.retryDelayMs,
        appExists: async (id) => (await apps.get(id)) !== undefined,
        onRejection: (r) => {
          if (printed < MAX_PRINTED_REJECTIONS) {
            printed++;
            ctx.io.err(`message ${r.sequence} (${r.subject}) line ${r.line}: ${r.reason}\n`);
          } else unprinted++;
        },
        onLog: (text) => ctx.io.err(`imstats consume: ${text}\n`),
      });
      if (registry) {
        registerConsumeMetrics(registry, consumer);
        const server = await serveMetrics(registry, { host: metricsHost, port: metricsPort! }).catch((err: Error) => {
          throw new CliError(`cannot serve metrics on ${metricsHost}:${metricsPort}: ${err.message}`);
        });
        metricsServer = server;
        const { address, port: bound } = server.address() as AddressInfo;
        ctx.io.out(`imstats consume: metrics on http://${address.includes(':') ? `[${address}]` : address}:${bound}/metrics\n`);
      }
      const s = consumer.stream;
      ctx.io.out(`imstats consuming stream ${s.name} (${s.subject}.<partition>.<sdkappid>, ${s.partitions} partitions) as ${o.durable}-p0…p${s.partitions - 1} into ${store.description}\n`);
      consumer.start();
      let refreshing = false;
      const progress = setInterval(() => {
        // A slow NATS answer must not pile up refreshes.
        if (refreshing) return;
        refreshing = true;
        void consumer.refreshLag().then(() => {
          refreshing = false;
          if (unprinted > 0) ctx.io.err(`… and ${unprinted} more rejected lines not shown\n`);
          printed = unprinted = 0;
          ctx.io.out(`${consumer.stats.line()}\n`);
        });
      }, o.progressMs);
      try {
        await aborted(signal);
        ctx.io.err('imstats consume: stopping (finishing the batches being applied)\n');
        await consumer.stop();
      } finally {
        clearInterval(progress);
      }
      await consumer.refreshLag();
      ctx.io.out(`${consumer.stats.line()}\n`);
    } finally {
      if (metricsServer) await new Promise((resolve) => metricsServer!.close(resolve));
      await nc.drain().catch(() => nc.close());
      // After the last batches' announcements, which went out first on the same connection.
      await changes?.close();
    }
  });
}
