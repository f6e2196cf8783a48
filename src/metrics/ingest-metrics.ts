import { Counter, Histogram, type Registry } from 'prom-client';
import type { IngestOutcome } from '../ingest/ingestor.js';
import { METRIC_PREFIX } from './registry.js';

/**
 * Events and batches through an Ingestor: pass `onOutcome: (o) => metrics.observe(o)` in its
 * options (buildApp does; `imstats consume` can do the same with its own registry).
 */
export class IngestMetrics {
  readonly #events: Counter<'outcome'>;
  readonly #batches: Counter;
  readonly #commit: Histogram;

  constructor(registry: Registry) {
    this.#events = new Counter({ name: `${METRIC_PREFIX}events_total`, help: 'Events seen by ingestion, by outcome: accepted (counted), rejected (invalid line), duplicate (batch id applied before)', labelNames: ['outcome'], registers: [registry] });
    for (const outcome of ['accepted', 'rejected', 'duplicate']) this.#events.inc({ outcome }, 0);
    this.#batches = new Counter({ name: `${METRIC_PREFIX}batches_applied_total`, help: 'Batches committed to the database', registers: [registry] });
    this.#commit = new Histogram({
      name: `${METRIC_PREFIX}batch_commit_seconds`,
      help: 'Duration of the database transaction applying a batch (or several drained together); duplicates only are not counted',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
  }

  observe(outcome: IngestOutcome): void {
    if (outcome.accepted) this.#events.inc({ outcome: 'accepted' }, outcome.accepted);
    if (outcome.rejected) this.#events.inc({ outcome: 'rejected' }, outcome.rejected);
    if (outcome.duplicate) this.#events.inc({ outcome: 'duplicate' }, outcome.duplicate);
    if (outcome.batchesApplied) this.#batches.inc(outcome.batchesApplied);
    // A transaction that found every batch applied before wrote nothing: not a commit to time.
    if (outcome.commitMs !== undefined && outcome.batchesApplied > 0) this.#commit.observe(outcome.commitMs / 1000);
  }
}
