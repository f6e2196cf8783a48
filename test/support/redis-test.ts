// Tests only: the shared Redis (unique key prefixes per test) and private redis-server processes
// that a test may stop and start (never the shared one: other test runs use it).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/** The shared Redis: IMSTATS_TEST_REDIS_URL, else 127.0.0.1:6379. */
export function sharedRedisUrl(): string {
  return process.env.IMSTATS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** A key and channel prefix no other test uses. */
export function uniqueRedisPrefix(): string {
  return `imstats-test:${randomUUID()}:`;
}

/** A TCP port free right now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A redis-server of this test's own, on a port of its own, without persistence. */
export class OwnRedis {
  #process: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again) on the same port and waits until it answers PING. */
  async start(): Promise<void> {
    if (this.#process) return;
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp'], { stdio: 'ignore' });
    this.#process = child;
    child.on('exit', () => {
      if (this.#process === child) this.#process = undefined;
    });
    for (let i = 0; i < 100; i++) {
      const probe = new Redis(this.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      probe.on('error', () => {});
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') return;
      } catch {
        // not up yet
      } finally {
        probe.disconnect();
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis-server on port ${this.port} did not start`);
  }

  /** Freezes the server (SIGSTOP): connections stay open and nothing answers, as when a host hangs. */
  pause(): void {
    this.#process?.kill('SIGSTOP');
  }

  /** Thaws a paused server (SIGCONT). */
  resume(): void {
    this.#process?.kill('SIGCONT');
  }

  /** Kills the server (SIGKILL: connections drop at once, as when a host dies) and waits for its exit. */
  async stop(): Promise<void> {
    const child = this.#process;
    if (!child) return;
    this.#process = undefined;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
