import { Redis, type RedisOptions } from 'ioredis';

/** Longest a limit check waits for Redis before the node decides alone: 20 ms (RedisLimitStore times it). */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 20;
/** ioredis' own command timeout, a safety net that clears commands Redis never answers: 2 000 ms. */
export const REDIS_COMMAND_CLEANUP_MS = 2000;
/** Longest a (re)connection attempt may take: 1 000 ms. */
export const DEFAULT_REDIS_CONNECT_TIMEOUT_MS = 1000;
/** Reconnection attempts back off up to this: 1 000 ms. */
export const MAX_REDIS_RECONNECT_DELAY_MS = 1000;
/** Key and channel prefix by default: `imstats:`. */
export const DEFAULT_REDIS_PREFIX = 'imstats:';

export interface RedisConnectionOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://` for TLS. */
  readonly url: string;
  /** ioredis' command timeout; default REDIS_COMMAND_CLEANUP_MS (2 s). */
  readonly commandTimeoutMs?: number;
  /** Default DEFAULT_REDIS_CONNECT_TIMEOUT_MS (1 s). */
  readonly connectTimeoutMs?: number;
}

/**
 * An ioredis client that never makes a request wait on a dead Redis: no offline queue (a command
 * while disconnected fails at once; the tight per-decision timeout is RedisLimitStore's), commands in flight when the link
 * drops are not replayed later (a limit check answered by the fallback must not count twice),
 * and reconnection forever in the background with a capped back-off.
 */
export function redisConnection(options: RedisConnectionOptions, extra: RedisOptions = {}): Redis {
  return new Redis(options.url, {
    enableOfflineQueue: false,
    commandTimeout: options.commandTimeoutMs ?? REDIS_COMMAND_CLEANUP_MS,
    connectTimeout: options.connectTimeoutMs ?? DEFAULT_REDIS_CONNECT_TIMEOUT_MS,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => Math.min(50 * times, MAX_REDIS_RECONNECT_DELAY_MS),
    lazyConnect: false,
    ...extra,
  });
}

/** A Redis URL with its password replaced by `***`, for logs and errors. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis://(unparsable URL)';
  }
}
