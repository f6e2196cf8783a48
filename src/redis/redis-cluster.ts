import type { Redis } from 'ioredis';
import { RedisChangeBus } from './redis-change-bus.js';
import { DEFAULT_REDIS_CONNECT_TIMEOUT_MS, DEFAULT_REDIS_PREFIX, redactRedisUrl, redisConnection } from './redis-connection.js';
import { RedisLimitStore, type RedisLimitState } from './redis-limit-store.js';

export interface RedisClusterOptions {
  /** `redis://…` or `rediss://…`. */
  readonly url: string;
  /** Prefix of keys and channel; default `imstats:`. Nodes of one deployment share it. */
  readonly prefix?: string;
  /** Longest a limit check waits for Redis; default 20 ms. */
  readonly commandTimeoutMs?: number;
  /** Told every change of state, once, in words (a log line without newline). */
  readonly log?: (line: string) => void;
  /** Told every change of state (for the metrics). */
  readonly onStateChange?: (state: RedisLimitState) => void;
}

/**
 * What `serve --redis` shares with the other API nodes: the frequency limit and the brake
 * (RedisLimitStore, falling back to this node's counts while Redis is away) and the change
 * channel (RedisChangeBus). Two connections: commands, and the subscription.
 */
export class RedisCluster {
  readonly limitStore: RedisLimitStore;
  readonly changes: RedisChangeBus;
  readonly #commands: Redis;
  readonly #subscriber: Redis;

  private constructor(options: RedisClusterOptions) {
    const where = redactRedisUrl(options.url);
    const log = options.log ?? (() => {});
    this.#commands = redisConnection({ url: options.url });
    // The subscription may wait for Redis (nothing waits on it) and is renewed on reconnection.
    this.#subscriber = redisConnection({ url: options.url }, { enableOfflineQueue: true, commandTimeout: undefined, maxRetriesPerRequest: null });
    // Failures are reported through the limit store's state; ioredis would print each one otherwise.
    this.#commands.on('error', () => {});
    this.#subscriber.on('error', () => {});
    let wasUp = false;
    this.limitStore = new RedisLimitStore({
      redis: this.#commands,
      prefix: options.prefix ?? DEFAULT_REDIS_PREFIX,
      ...(options.commandTimeoutMs !== undefined ? { timeoutMs: options.commandTimeoutMs } : {}),
      onStateChange: (state, cause) => {
        options.onStateChange?.(state);
        if (state === 'up') log(wasUp ? `Redis ${where} is back: limits are shared again` : `Redis ${where}: limits shared with every node using it`);
        else log(`Redis ${where} unreachable (${cause?.message ?? 'unknown error'}): limits are per node until it returns`);
        wasUp ||= state === 'up';
      },
    });
    this.changes = new RedisChangeBus({
      publisher: this.#commands,
      subscriber: this.#subscriber,
      prefix: options.prefix ?? DEFAULT_REDIS_PREFIX,
      onPublishError: () => {},
    });
  }

  /**
   * Connects, waiting at most `waitMs` (default 1 s) for Redis: a node starts (with per-node
   * limits) when Redis is away, and shares them once it comes.
   */
  static async connect(options: RedisClusterOptions, waitMs = DEFAULT_REDIS_CONNECT_TIMEOUT_MS): Promise<RedisCluster> {
    const cluster = new RedisCluster(options);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)));
    const commands = cluster.#commands;
    const ready = new Promise<void>((resolve) => (commands.status === 'ready' ? resolve() : commands.once('ready', () => resolve())));
    // The probe makes the store's state (and its log line) known before the first request.
    const probed = ready.then(() => cluster.limitStore.failures('probe', 1, 0));
    await Promise.race([Promise.all([probed, cluster.changes.start()]), timeout]).catch(() => {});
    clearTimeout(timer);
    return cluster;
  }

  /** Where limits are decided now: `up` (shared), `down` or `connecting` (this node alone). */
  get state(): RedisLimitState {
    return this.limitStore.state;
  }

  async close(): Promise<void> {
    this.#subscriber.disconnect();
    await this.#commands.quit().catch(() => this.#commands.disconnect());
  }
}
