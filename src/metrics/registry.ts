import { collectDefaultMetrics, Registry } from 'prom-client';

/** Every imstats series starts with this; the process and Node.js series keep prom-client's names. */
export const METRIC_PREFIX = 'imstats_';

export interface MetricsRegistryOptions {
  /** Include prom-client's process and Node.js series (CPU, memory, event-loop lag, GC); default true. */
  readonly processMetrics?: boolean;
}

/**
 * A fresh prom-client Registry for one process's /metrics (one per buildApp, so tests building
 * several apps in one process keep them apart). Other parts of imstats register their series
 * into it with prom-client's own classes, e.g. the consumer's lag per partition:
 *
 *     new Gauge({ name: `${METRIC_PREFIX}jetstream_pending_messages`, help: '…',
 *                 labelNames: ['partition'], registers: [registry] })
 *
 * and a process without an HTTP API serves it with serveMetrics (metrics-server.ts).
 */
export function newMetricsRegistry(options: MetricsRegistryOptions = {}): Registry {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}
