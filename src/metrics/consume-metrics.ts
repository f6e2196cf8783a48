import { Counter, Gauge, type Registry } from 'prom-client';
import type { ConsumeStats } from '../bus/consume-stats.js';
import { METRIC_PREFIX } from './registry.js';

/** What the consumer metrics read (EventConsumer has both). */
export interface ConsumeStatsSource {
  readonly stats: ConsumeStats;
  /** Refreshes `stats.partitions`' lag from JetStream. */
  refreshLag(): Promise<void>;
}

/** A scrape waits at most this for JetStream's lag (NATS away): 2 s; the last known lag is shown then. */
export const SCRAPE_LAG_TIMEOUT_MS = 2000;

/**
 * `imstats consume`'s own series: each partition's lag (refreshed from JetStream at scrape time),
 * messages by outcome, failed deliveries and the NATS connection. Lines go through the Ingestor,
 * counted by IngestMetrics (imstats_events_total, imstats_batches_applied_total). Every consumer
 * process reports the same lag for a partition (its durable consumer is shared): aggregate with max.
 */
export function registerConsumeMetrics(registry: Registry, source: ConsumeStatsSource): void {
  const { stats } = source;
  let refreshing: Promise<void> | undefined;
  // One refresh per scrape for both gauges, however many collect it.
  const refreshed = (): Promise<void> => {
    refreshing ??= withTimeout(source.refreshLag()).finally(() => (refreshing = undefined));
    return refreshing;
  };
  new Gauge({
    name: `${METRIC_PREFIX}jetstream_pending_messages`,
    help: "Messages of the partition not yet delivered to its durable consumer (JetStream num_pending; the same in every consumer process)",
    labelNames: ['partition'],
    registers: [registry],
    async collect() {
      await refreshed();
      for (const p of stats.partitions) this.set({ partition: String(p.partition) }, p.pending);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}jetstream_ack_pending_messages`,
    help: 'Messages of the partition delivered and not yet acknowledged (0 or 1: one at a time per partition)',
    labelNames: ['partition'],
    registers: [registry],
    async collect() {
      await refreshed();
      for (const p of stats.partitions) this.set({ partition: String(p.partition) }, p.ackPending);
    },
  });
  new Counter({
    name: `${METRIC_PREFIX}consume_messages_total`,
    help: 'Messages finished by this process, by outcome: applied (batch committed), duplicate (a redelivery, applied before), dead_lettered',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ outcome: 'applied' }, stats.messages);
      this.inc({ outcome: 'duplicate' }, stats.duplicates);
      this.inc({ outcome: 'dead_lettered' }, stats.deadLettered);
    },
  });
  new Counter({
    name: `${METRIC_PREFIX}consume_failed_deliveries_total`,
    help: 'Deliveries that failed and were handed back for a retry or dead-lettered (database down, unknown app…)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(stats.failures);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}nats_connected`,
    help: 'Whether the connection to NATS is up (1) or being re-established (0)',
    registers: [registry],
    collect() {
      this.set(stats.connected ? 1 : 0);
    },
  });
}

async function withTimeout(work: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, SCRAPE_LAG_TIMEOUT_MS)));
  try {
    await Promise.race([work.catch(() => {}), late]);
  } finally {
    clearTimeout(timer);
  }
}
