import { Option } from 'commander';
import { DEFAULT_REDIS_PREFIX, redactRedisUrl, redisConnection } from '../redis/redis-connection.js';
import { RedisChangeBus } from '../redis/redis-change-bus.js';
import type { ClusterChange } from '../redis/cluster-change.js';
import type { CliContext } from './cli-io.js';
import { CliError } from './cli-error.js';

/** The `--redis URL` option. */
export function redisOption(what: string): Option {
  return new Option('--redis <url>', `${what} (default: $IMSTATS_REDIS_URL, else none)`);
}

/** The `--redis-prefix P` option: keys and channel of one deployment. */
export function redisPrefixOption(): Option {
  return new Option('--redis-prefix <prefix>', `prefix of imstats' Redis keys and channel; every node of a deployment uses the same (default: $IMSTATS_REDIS_PREFIX, else ${DEFAULT_REDIS_PREFIX})`);
}

/** `--redis`, else IMSTATS_REDIS_URL; undefined when neither is set. */
export function redisUrl(ctx: CliContext, option: string | undefined): string | undefined {
  const url = (option ?? ctx.env.IMSTATS_REDIS_URL)?.trim();
  if (url === undefined || url === '') return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || parsed.hostname === '') {
    throw new CliError(`--redis: expected redis://[user:password@]host:port[/db] or rediss://…, got ${JSON.stringify(redactRedisUrl(url))}`);
  }
  return url;
}

/** `--redis-prefix`, else IMSTATS_REDIS_PREFIX, else `imstats:`. */
export function redisPrefix(ctx: CliContext, option: string | undefined): string {
  return option ?? (ctx.env.IMSTATS_REDIS_PREFIX || DEFAULT_REDIS_PREFIX);
}

/**
 * Tells the API nodes about a change this command made in the database, so they act on it at
 * once. Waits at most about a second; when Redis is unreachable it warns and returns (the change
 * is made: the nodes see it when their caches expire, 1 s by default).
 */
export async function announceChange(ctx: CliContext, url: string, prefix: string, change: ClusterChange): Promise<void> {
  const redis = redisConnection({ url, commandTimeoutMs: 1000 }, { enableOfflineQueue: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  redis.on('error', () => {});
  try {
    await new RedisChangeBus({ publisher: redis, subscriber: redis, prefix }).publishNow(change);
  } catch (err) {
    ctx.io.err(`imstats: could not tell the API nodes through Redis ${redactRedisUrl(url)} (${(err as Error).message}); they see the change when their caches expire\n`);
  } finally {
    redis.disconnect();
  }
}

/** Tells the API nodes about changes as a long-running command makes them (see changeAnnouncer). */
export interface ChangeAnnouncer {
  /** Publishes without waiting; never throws. */
  announce(change: ClusterChange): void;
  close(): Promise<void>;
}

/**
 * announceChange for a command that runs on (`imstats consume`): one connection for its whole
 * life, reconnecting in the background. Nothing waits for Redis: a change made while it is away
 * is not announced (warned once per outage; the nodes see it when their caches expire).
 */
export function changeAnnouncer(ctx: CliContext, url: string, prefix: string): ChangeAnnouncer {
  const where = redactRedisUrl(url);
  const redis = redisConnection({ url });
  let failing = false;
  redis.on('error', () => {});
  redis.on('ready', () => {
    if (failing) ctx.io.err(`imstats: Redis ${where} is back: data changes are announced again\n`);
    failing = false;
  });
  const bus = new RedisChangeBus({
    publisher: redis,
    subscriber: redis,
    prefix,
    onPublishError: (err) => {
      if (!failing) ctx.io.err(`imstats: could not tell the API nodes through Redis ${where} (${err.message}); they see changes when their caches expire until it is back\n`);
      failing = true;
    },
  });
  return {
    announce: (change) => bus.publish(change),
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
