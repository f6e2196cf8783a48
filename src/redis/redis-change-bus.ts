import type { Redis } from 'ioredis';
import { parseClusterChange, type ClusterChange, type ClusterChanges } from './cluster-change.js';
import { DEFAULT_REDIS_PREFIX } from './redis-connection.js';

export interface RedisChangeBusOptions {
  /** Connection that publishes (may be the limit store's); not closed by the bus. */
  readonly publisher: Redis;
  /**
   * A connection of its own for SUBSCRIBE (a subscribed connection can do nothing else), with an
   * offline queue so the subscription waits for Redis and is renewed by ioredis on reconnection;
   * not closed by the bus.
   */
  readonly subscriber: Redis;
  /** The channel is `<prefix>changes`; default `imstats:`. */
  readonly prefix?: string;
  /** A publish that failed (Redis gone): the other nodes see the change at their caches' expiry. */
  readonly onPublishError?: (err: Error) => void;
}

/**
 * ClusterChanges over Redis pub/sub: one channel, JSON messages. Delivery is at most once:
 * while Redis is away, changes are lost and the other nodes fall back to their caches' expiry
 * (1 s by default); when the subscription comes back, handlers hear `resync` (drop every cache).
 */
export class RedisChangeBus implements ClusterChanges {
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #channel: string;
  readonly #handlers = new Set<(change: ClusterChange) => void>();
  readonly #onPublishError: ((err: Error) => void) | undefined;
  #subscribed = false;
  #lost = false;

  constructor(options: RedisChangeBusOptions) {
    this.#publisher = options.publisher;
    this.#subscriber = options.subscriber;
    this.#channel = `${options.prefix ?? DEFAULT_REDIS_PREFIX}changes`;
    this.#onPublishError = options.onPublishError;
    this.#subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.#channel) return;
      const change = parseClusterChange(message);
      if (change !== undefined) for (const handler of this.#handlers) handler(change);
    });
    this.#subscriber.on('close', () => {
      if (this.#subscribed) this.#lost = true;
    });
    // ioredis subscribes again by itself after a reconnection (autoResubscribe).
    this.#subscriber.on('ready', () => {
      if (!this.#lost) return;
      this.#lost = false;
      // Changes published meanwhile were missed.
      for (const handler of this.#handlers) handler({ kind: 'resync' });
    });
  }

  /** The channel changes travel on. */
  get channel(): string {
    return this.#channel;
  }

  /** Subscribes; resolves once Redis confirmed (which waits for Redis when it is away: race it with a timeout). */
  async start(): Promise<void> {
    this.#subscribed = true;
    await this.#subscriber.subscribe(this.#channel);
  }

  publish(change: ClusterChange): void {
    this.publishNow(change).catch((err: unknown) => this.#onPublishError?.(err instanceof Error ? err : new Error(String(err))));
  }

  /** publish, resolved when Redis took the message (rejected when it did not): for a CLI that exits next. */
  async publishNow(change: ClusterChange): Promise<void> {
    await this.#publisher.publish(this.#channel, JSON.stringify(change));
  }

  subscribe(handler: (change: ClusterChange) => void): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }
}
