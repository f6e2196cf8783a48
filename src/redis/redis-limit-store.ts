import type { Redis } from 'ioredis';
import type { LimitStore } from '../limits/limit-store.js';
import { LocalLimitStore } from '../limits/local-limit-store.js';
import { SLOTS_PER_WINDOW } from '../limits/sliding-window.js';
import { ADD_FAILURE_SCRIPT, ADMIT_SCRIPT, FAILURES_SCRIPT } from './limit-scripts.js';
import { DEFAULT_REDIS_COMMAND_TIMEOUT_MS, DEFAULT_REDIS_PREFIX } from './redis-connection.js';

/** After a failed or timed-out command, Redis is skipped this long before it is tried again: 1 000 ms. */
export const DEFAULT_REDIS_RETRY_AFTER_MS = 1000;

/** `connecting` until the first answer; `up` while Redis answers; `down` while the local fallback decides. */
export type RedisLimitState = 'connecting' | 'up' | 'down';

export interface RedisLimitStoreOptions {
  /** A connection made by redisConnection (no offline queue, tight command timeout); not closed by the store. */
  readonly redis: Redis;
  /** Prefix of every key, so deployments (and tests) sharing one Redis stay apart; default `imstats:`. */
  readonly prefix?: string;
  /** Decides while Redis is unreachable; default a LocalLimitStore (this node's own counts). */
  readonly fallback?: LimitStore;
  /** Default DEFAULT_REDIS_RETRY_AFTER_MS (1 s). */
  readonly retryAfterMs?: number;
  /**
   * Longest a decision waits for Redis before the fallback decides; default
   * DEFAULT_REDIS_COMMAND_TIMEOUT_MS (20 ms). Measured so that a busy event loop does not
   * count against Redis: when the timer fires, an answer already received is still taken.
   */
  readonly timeoutMs?: number;
  /** Told once per change of state (to log it), with the error that took Redis down. */
  readonly onStateChange?: (state: RedisLimitState, cause?: Error) => void;
  /** Milliseconds clock for the circuit only; default Date.now. */
  readonly clock?: () => number;
}

interface LimitCommands {
  imstatsAdmit(key: string, limit: number, windowMs: number, nowMs: number, slotMs: number): Promise<number>;
  imstatsAddFailure(key: string, windowMs: number, nowMs: number): Promise<number>;
  imstatsFailures(key: string, windowMs: number, nowMs: number): Promise<number>;
}

/**
 * LimitStore shared by every API node through Redis: each call is one Lua script (atomic, one
 * round trip), so the frequency limit and the brake hold for the cluster, not per node.
 *
 * Redis going away never fails or stalls a request: while the connection is not ready, or for
 * `retryAfterMs` after a command failed or timed out, calls go to the fallback (this node's own
 * counts, as without Redis) at once; the first command after that decides whether Redis is back.
 * So the worst a dead Redis costs one call is the timeout, once per `retryAfterMs`; a Redis
 * whose host is gone but whose connection was not closed (no RST) is the only case that waits.
 */
export class RedisLimitStore implements LimitStore {
  readonly #redis: Redis & LimitCommands;
  readonly #prefix: string;
  readonly #fallback: LimitStore;
  readonly #retryAfterMs: number;
  readonly #timeoutMs: number;
  readonly #onStateChange: ((state: RedisLimitState, cause?: Error) => void) | undefined;
  readonly #clock: () => number;
  #state: RedisLimitState = 'connecting';
  #skipUntil = 0;
  #fallbackCalls = 0;
  #timeouts = 0;
  #errors = 0;
  #observer: ((by: 'redis' | 'local', seconds: number) => void) | undefined;

  constructor(options: RedisLimitStoreOptions) {
    const redis = options.redis;
    if (!('imstatsAdmit' in redis)) {
      redis.defineCommand('imstatsAdmit', { numberOfKeys: 1, lua: ADMIT_SCRIPT });
      redis.defineCommand('imstatsAddFailure', { numberOfKeys: 1, lua: ADD_FAILURE_SCRIPT });
      redis.defineCommand('imstatsFailures', { numberOfKeys: 1, lua: FAILURES_SCRIPT });
    }
    this.#redis = redis as Redis & LimitCommands;
    this.#prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
    this.#fallback = options.fallback ?? new LocalLimitStore();
    this.#retryAfterMs = options.retryAfterMs ?? DEFAULT_REDIS_RETRY_AFTER_MS;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS;
    this.#onStateChange = options.onStateChange;
    this.#clock = options.clock ?? Date.now;
    // A dropped link is known before any command fails on it; a new one may be tried at once.
    let lastError: Error | undefined;
    redis.on('error', (err: Error) => (lastError = err));
    redis.on('close', () => {
      this.#down(new Error(lastError ? `connection closed: ${lastError.message}` : 'connection closed'));
      lastError = undefined;
    });
    redis.on('ready', () => {
      this.#skipUntil = 0;
      // Known to be back (and logged) without waiting for the next request.
      redis.ping().then(
        () => this.#up(),
        () => {},
      );
    });
  }

  /** Where decisions are made now. */
  get state(): RedisLimitState {
    return this.#state;
  }

  /** Calls decided by the fallback since start. */
  get fallbackCalls(): number {
    return this.#fallbackCalls;
  }

  /** Tells `observer` how long each decision took and who made it (for the metrics' histogram). */
  observeDecisions(observer: (by: 'redis' | 'local', seconds: number) => void): void {
    this.#observer = observer;
  }

  /** Commands given up after the timeout (each made one call wait that long) / failed otherwise, since start. */
  get failedCommands(): { readonly timeouts: number; readonly errors: number } {
    return { timeouts: this.#timeouts, errors: this.#errors };
  }

  admit(key: string, limit: number, windowMs: number, nowMs: number): Promise<boolean> {
    const slotMs = Math.max(1, Math.ceil(windowMs / SLOTS_PER_WINDOW));
    return this.#run(
      () => this.#redis.imstatsAdmit(this.#prefix + key, limit, windowMs, nowMs, slotMs).then((n) => n === 1),
      () => this.#fallback.admit(key, limit, windowMs, nowMs),
    );
  }

  addFailure(key: string, windowMs: number, nowMs: number): Promise<number> {
    return this.#run(
      () => this.#redis.imstatsAddFailure(this.#prefix + key, windowMs, nowMs),
      () => this.#fallback.addFailure(key, windowMs, nowMs),
    );
  }

  failures(key: string, windowMs: number, nowMs: number): Promise<number> {
    return this.#run(
      () => this.#redis.imstatsFailures(this.#prefix + key, windowMs, nowMs),
      () => this.#fallback.failures(key, windowMs, nowMs),
    );
  }

  async #run<T>(shared: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    const started = this.#observer ? performance.now() : 0;
    let by: 'redis' | 'local' = 'local';
    let result: T;
    if (this.#redis.status !== 'ready' || (this.#state !== 'up' && this.#clock() < this.#skipUntil)) {
      this.#fallbackCalls++;
      result = await local();
    } else {
      const outcome = await this.#withinTimeout(shared());
      if (outcome.ok) {
        this.#up();
        by = 'redis';
        result = outcome.value;
      } else {
        if (outcome.timedOut) this.#timeouts++;
        else this.#errors++;
        this.#down(outcome.error);
        this.#fallbackCalls++;
        result = await local();
      }
    }
    this.#observer?.(by, (performance.now() - started) / 1000);
    return result;
  }

  /**
   * The command's answer, or its failure, or a time-out after timeoutMs. The time-out is decided
   * in a setImmediate after the timer: the event loop's poll phase runs between them, so an
   * answer that arrived while the loop was busy (a loaded node) is read first and still counts.
   */
  #withinTimeout<T>(command: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; timedOut: boolean; error: Error }> {
    return new Promise((resolve) => {
      let settled = false;
      const timer = setTimeout(() => {
        setImmediate(() => {
          if (settled) return;
          settled = true;
          resolve({ ok: false, timedOut: true, error: new Error(`no answer within ${this.#timeoutMs} ms`) });
        });
      }, this.#timeoutMs);
      command.then(
        (value) => {
          clearTimeout(timer);
          if (settled) return;
          settled = true;
          resolve({ ok: true, value });
        },
        (err: unknown) => {
          clearTimeout(timer);
          if (settled) return;
          settled = true;
          resolve({ ok: false, timedOut: false, error: err instanceof Error ? err : new Error(String(err)) });
        },
      );
    });
  }

  #up(): void {
    if (this.#state === 'up') return;
    this.#state = 'up';
    this.#onStateChange?.('up');
  }

  #down(cause: Error): void {
    this.#skipUntil = this.#clock() + this.#retryAfterMs;
    if (this.#state === 'down') return;
    // Before the first answer a failure is still "connecting" to the log, but the fallback decides all the same.
    this.#state = 'down';
    this.#onStateChange?.('down', cause);
  }
}
