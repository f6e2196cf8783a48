import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JetStreamClient, type ConsumerMessages, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { headers, nanos, type NatsConnection } from '@nats-io/transport-node';
import type { Ingestor } from '../ingest/ingestor.js';
import { StoreError } from '../store/store-error.js';
import { applyMessage } from './apply-message.js';
import { ConsumeStats } from './consume-stats.js';
import { appOfSubject, deadLetterSubject, ensureEventStream, partitionFilter, type EventStream, type EventStreamOptions } from './event-stream.js';
import { Semaphore } from './semaphore.js';

/** Default durable consumer name prefix: partition p is consumed by `<durable>-p<p>`. */
export const DEFAULT_DURABLE = 'imstats';
/** Default ack wait: a killed consumer's message goes to another one after this. */
export const DEFAULT_ACK_WAIT_MS = 5000;
/** Default deliveries of a failing message before it is dead-lettered. */
export const DEFAULT_MAX_DELIVERIES = 5;
/** Default batches applied at once by one process (one per partition at most). */
export const DEFAULT_CONCURRENCY = 4;
/** First retry delay of a failed message (doubled per delivery, at most 30 s). */
export const DEFAULT_RETRY_DELAY_MS = 1000;
const MAX_RETRY_DELAY_MS = 30_000;
/** How long one pull request waits before the client issues another. */
const PULL_EXPIRES_MS = 2000;

/** A rejected line of a message. */
export interface MessageRejection {
  readonly subject: string;
  readonly sequence: number;
  readonly line: number;
  readonly reason: string;
}

/** One message's batch being applied (`begin`) or committed (`commit`, with its outcome). */
export interface BatchProgress {
  readonly phase: 'begin' | 'commit';
  readonly partition: number;
  readonly sdkappid: number;
  readonly sequence: number;
  /** On commit: lines applied, and whether the batch had been applied before. */
  readonly accepted?: number;
  readonly duplicate?: boolean;
}

export interface EventConsumerOptions extends EventStreamOptions {
  readonly durable?: string;
  readonly ackWaitMs?: number;
  readonly maxDeliveries?: number;
  readonly concurrency?: number;
  readonly retryDelayMs?: number;
  /** Does the app exist? Messages of an unknown app fail (and are retried: it may be created soon). */
  readonly appExists: (sdkappid: number) => Promise<boolean>;
  readonly onRejection?: (rejection: MessageRejection) => void;
  /** A message's batch begins to be applied, then committed (progress; tests check app order with it). */
  readonly onBatch?: (batch: BatchProgress) => void;
  /** Failures, dead letters, connection changes: one line each. */
  readonly onLog?: (text: string) => void;
}

/** Unavailable databases are waited for, never a reason to give a message up. */
function databaseUnavailable(err: unknown): boolean {
  return err instanceof StoreError && (err.failure === 'open' || err.failure === 'ping');
}

class PermanentFailure extends Error {}

/**
 * Applies the event stream to the database, exactly once and in order per app. Each partition
 * has one durable pull consumer allowing one unacknowledged message (max_ack_pending 1), shared
 * by every `imstats consume` process: a partition's messages are applied one at a time, in stream
 * order, by whichever process pulled it, and a message is acknowledged only after its batch
 * committed. A process that dies leaves its message unacknowledged; JetStream hands it to another
 * after the ack wait, and its batch id (stream + sequence) makes a second application a no-op.
 */
export class EventConsumer {
  readonly stats: ConsumeStats;
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #stream: EventStream;
  readonly #ingestor: Ingestor;
  readonly #o: Required<Omit<EventConsumerOptions, keyof EventStreamOptions | 'onRejection' | 'onLog' | 'onBatch'>> & Pick<EventConsumerOptions, 'onRejection' | 'onLog' | 'onBatch'>;
  readonly #slots: Semaphore;
  readonly #knownApps = new Set<number>();
  #stopping = false;
  #loops: Promise<void>[] = [];
  readonly #pulls = new Set<ConsumerMessages>();

  private constructor(nc: NatsConnection, jsm: JetStreamManager, stream: EventStream, ingestor: Ingestor, options: EventConsumerOptions) {
    this.#nc = nc;
    this.#js = jetstream(nc);
    this.#jsm = jsm;
    this.#stream = stream;
    this.#ingestor = ingestor;
    this.#o = {
      durable: options.durable ?? DEFAULT_DURABLE,
      ackWaitMs: options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS,
      maxDeliveries: options.maxDeliveries ?? DEFAULT_MAX_DELIVERIES,
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      retryDelayMs: options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS,
      appExists: options.appExists,
      onRejection: options.onRejection,
      onLog: options.onLog,
      onBatch: options.onBatch,
    };
    this.#slots = new Semaphore(this.#o.concurrency);
    this.stats = new ConsumeStats(Array.from({ length: stream.partitions }, (_, p) => ({ partition: p, consumer: this.#consumerName(p) })));
  }

  /** Creates the stream and the partitions' durable consumers when missing; call start() next. */
  static async open(nc: NatsConnection, ingestor: Ingestor, options: EventConsumerOptions): Promise<EventConsumer> {
    const jsm = await jetstreamManager(nc);
    const stream = await ensureEventStream(jsm, options);
    const consumer = new EventConsumer(nc, jsm, stream, ingestor, options);
    await consumer.#ensureConsumers();
    return consumer;
  }

  get stream(): EventStream {
    return this.#stream;
  }

  #consumerName(partition: number): string {
    return `${this.#o.durable}-p${partition}`;
  }

  async #ensureConsumers(): Promise<void> {
    for (let p = 0; p < this.#stream.partitions; p++) {
      await this.#jsm.consumers.add(this.#stream.name, {
        durable_name: this.#consumerName(p),
        filter_subject: partitionFilter(this.#stream, p),
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: nanos(this.#o.ackWaitMs),
        // One message at a time per partition, whoever pulls it: the order of an app's events.
        max_ack_pending: 1,
        // Dead-lettering is ours (it needs the message); the server never drops one by itself.
        max_deliver: -1,
      });
    }
  }

  /** Starts pulling every partition and watching the connection. */
  start(): void {
    this.stats.connected = !this.#nc.isClosed();
    void this.#watchStatus();
    this.#loops = this.stats.partitions.map((p) => this.#pull(p.partition));
  }

  /** Stops pulling and waits for the messages being applied to be acknowledged. */
  async stop(): Promise<void> {
    this.#stopping = true;
    // Ends the idle pulls now; a loop applying a message stops after acknowledging it.
    for (const pull of this.#pulls) pull.stop();
    await Promise.all(this.#loops);
  }

  /** Refreshes every partition's lag from JetStream (consumer info). */
  async refreshLag(): Promise<void> {
    await Promise.all(
      this.stats.partitions.map(async (p) => {
        try {
          const info = await this.#jsm.consumers.info(this.#stream.name, p.consumer);
          p.pending = info.num_pending;
          p.ackPending = info.num_ack_pending;
        } catch {
          // Disconnected: the last known lag stays.
        }
      }),
    );
  }

  async #watchStatus(): Promise<void> {
    for await (const s of this.#nc.status()) {
      if (s.type === 'disconnect') {
        this.stats.connected = false;
        this.#o.onLog?.('NATS disconnected; reconnecting');
      } else if (s.type === 'reconnect') {
        this.stats.connected = true;
        this.#o.onLog?.('NATS reconnected');
      }
    }
  }

  async #pull(partition: number): Promise<void> {
    const name = this.#consumerName(partition);
    let failing = false;
    while (!this.#stopping) {
      try {
        const consumer = await this.#js.consumers.get(this.#stream.name, name);
        // One persistent pull (re-issued by the client, across reconnects); the server hands out
        // one message at a time anyway (max_ack_pending 1), and this loop applies it before the next.
        const messages = await consumer.consume({ max_messages: 1, expires: PULL_EXPIRES_MS });
        this.#pulls.add(messages);
        try {
          if (this.#stopping) break;
          for await (const msg of messages) {
            failing = false;
            await this.#handle(partition, msg);
            if (this.#stopping) break;
          }
        } finally {
          this.#pulls.delete(messages);
          messages.stop();
        }
      } catch (err) {
        if (this.#stopping) break;
        if (!failing) this.#o.onLog?.(`partition ${partition}: pulling failed (${(err as Error).message}); retrying`);
        failing = true;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  async #handle(partition: number, msg: JsMsg): Promise<void> {
    // Tells JetStream the message is still being worked on, so only a dead process loses it.
    const heartbeat = setInterval(() => msg.working(), Math.max(100, Math.floor(this.#o.ackWaitMs / 3)));
    const sequence = msg.info.streamSequence;
    try {
      await this.#slots.acquire();
      try {
        const sdkappid = appOfSubject(msg.subject);
        if (sdkappid === undefined) throw new PermanentFailure(`subject ${msg.subject} names no SDKAppID`);
        if (!this.#knownApps.has(sdkappid)) {
          if (!(await this.#o.appExists(sdkappid))) throw new Error(`unknown app ${sdkappid}`);
          this.#knownApps.add(sdkappid);
        }
        const started = performance.now();
        this.#o.onBatch?.({ phase: 'begin', partition, sdkappid, sequence });
        const result = await applyMessage(this.#ingestor, this.#stream, sdkappid, msg);
        this.#o.onBatch?.({ phase: 'commit', partition, sdkappid, sequence, accepted: result.accepted, duplicate: result.duplicate });
        this.stats.commitMsTotal += performance.now() - started;
        this.stats.commits++;
        if (result.duplicate) this.stats.duplicates++;
        else this.stats.messages++;
        this.stats.accepted += result.accepted;
        this.stats.alreadyApplied += result.alreadyApplied;
        this.stats.rejected += result.rejected;
        for (const r of result.errors) this.#o.onRejection?.({ subject: msg.subject, sequence, line: r.line, reason: r.reason });
      } finally {
        this.#slots.release();
      }
      msg.ack();
      this.stats.partitions[partition]!.lastSequence = sequence;
    } catch (err) {
      await this.#failed(msg, err);
    } finally {
      clearInterval(heartbeat);
    }
  }

  async #failed(msg: JsMsg, err: unknown): Promise<void> {
    this.stats.failures++;
    const reason = err instanceof Error ? err.message : String(err);
    const deliveries = msg.info.deliveryCount;
    const sequence = msg.info.streamSequence;
    const delay = Math.min(this.#o.retryDelayMs * 2 ** Math.min(deliveries - 1, 16), MAX_RETRY_DELAY_MS);
    if (databaseUnavailable(err)) {
      this.#o.onLog?.(`message ${sequence} (${msg.subject}): database unavailable (${reason}); retrying in ${delay} ms`);
      msg.nak(delay);
      return;
    }
    if (!(err instanceof PermanentFailure) && deliveries < this.#o.maxDeliveries) {
      this.#o.onLog?.(`message ${sequence} (${msg.subject}) failed, delivery ${deliveries} of ${this.#o.maxDeliveries}: ${reason}; retrying in ${delay} ms`);
      msg.nak(delay);
      return;
    }
    try {
      const h = headers();
      h.set('Imstats-Reason', reason.slice(0, 500).replace(/[\r\n]+/g, ' '));
      h.set('Imstats-Subject', msg.subject);
      h.set('Imstats-Stream-Sequence', String(sequence));
      h.set('Imstats-Deliveries', String(deliveries));
      const sdkappid = appOfSubject(msg.subject);
      // The message id makes a dead letter written twice (a crash before term) one.
      await this.#js.publish(deadLetterSubject(this.#stream, sdkappid ?? 'unknown'), msg.data, { headers: h, msgID: `dead:${this.#stream.createdMs}:${sequence}` });
      // No reason on the TERM: servers before 2.10 ignore `+TERM <reason>` and redeliver.
      msg.term();
      this.stats.deadLettered++;
      this.#o.onLog?.(`message ${sequence} (${msg.subject}) dead-lettered to ${deadLetterSubject(this.#stream, sdkappid ?? 'unknown')} after ${deliveries} deliveries: ${reason}`);
    } catch (deadErr) {
      this.#o.onLog?.(`message ${sequence}: dead-lettering failed (${(deadErr as Error).message}); retrying in ${delay} ms`);
      msg.nak(delay);
    }
  }
}
