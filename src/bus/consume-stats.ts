/** One partition's consumer as last seen (lag refreshed every progress interval). */
export interface PartitionStats {
  readonly partition: number;
  /** The durable consumer's name. */
  readonly consumer: string;
  /** Messages in the stream not yet delivered to this partition's consumer (JetStream num_pending). */
  pending: number;
  /** Delivered, not yet acknowledged (0 or 1: one message at a time per partition). */
  ackPending: number;
  /** Stream sequence of the last message this process finished. */
  lastSequence: number;
}

/**
 * What `imstats consume` has done since it started, updated in place (a /metrics exporter reads
 * it): messages and lines by outcome, commit times, and each partition's lag.
 */
export class ConsumeStats {
  /** Messages applied now (their batch committed). */
  messages = 0;
  /** Messages whose batch had been applied before (a redelivery): acknowledged, nothing changed. */
  duplicates = 0;
  /** Lines applied. */
  accepted = 0;
  /** Valid lines of duplicate messages. */
  alreadyApplied = 0;
  /** Lines rejected (bad JSON, invalid event, another app's event), each logged with its reason. */
  rejected = 0;
  /** Deliveries that failed and will be retried (database down, unknown app…). */
  failures = 0;
  /** Messages moved to the dead-letter subject. */
  deadLettered = 0;
  /** Sum and count of batch commit times in ms (time from decode to commit). */
  commitMsTotal = 0;
  commits = 0;
  /** Whether the NATS connection is up. */
  connected = false;
  readonly startedAt = Date.now();
  readonly partitions: PartitionStats[];

  constructor(partitions: readonly { partition: number; consumer: string }[]) {
    this.partitions = partitions.map((p) => ({ ...p, pending: 0, ackPending: 0, lastSequence: 0 }));
  }

  /** Messages not yet applied, over all partitions. */
  get lag(): number {
    return this.partitions.reduce((n, p) => n + p.pending + p.ackPending, 0);
  }

  /** One progress line: `applied 120 messages (…); lag 34 (p0 10, p3 24)`. */
  line(): string {
    const seconds = Math.max((Date.now() - this.startedAt) / 1000, 0.001);
    const lagging = this.partitions.filter((p) => p.pending + p.ackPending > 0).map((p) => `p${p.partition} ${p.pending + p.ackPending}`);
    return (
      `consume: ${this.messages} messages applied, ${this.duplicates} redelivered (skipped); ` +
      `lines ${this.accepted} accepted, ${this.alreadyApplied} already applied, ${this.rejected} rejected; ` +
      `${this.failures} failed deliveries, ${this.deadLettered} dead-lettered; ` +
      `${Math.round(this.accepted / seconds)} lines/s; lag ${this.lag}${lagging.length ? ` (${lagging.join(', ')})` : ''}` +
      (this.connected ? '' : '; NATS disconnected')
    );
  }
}
