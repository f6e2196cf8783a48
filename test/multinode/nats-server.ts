// Tests only: a private nats-server process (JetStream, its own port and store directory) that a
// test may stop and start again without touching the shared server other tests use.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect as connectTcp } from 'node:net';

const NATS_SERVER = process.env.IMSTATS_TEST_NATS_SERVER ?? '/usr/sbin/nats-server';

/** A free TCP port on 127.0.0.1 (free when asked; good enough for a test). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

export class NatsServerProcess {
  #child: ChildProcess | undefined;
  #log = '';

  constructor(
    readonly port: number,
    readonly storeDir: string,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Starts the server and waits until it accepts connections. */
  async start(): Promise<void> {
    const child = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (this.#log = (this.#log + s).slice(-4000)));
    child.stdout!.resume();
    this.#child = child;
    for (let i = 0; i < 300; i++) {
      if (child.exitCode !== null) throw new Error(`nats-server exited: ${this.#log}`);
      if (await accepts(this.port)) {
        // JetStream is ready a moment after the port opens.
        if (/Server is ready/.test(this.#log)) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`nats-server did not come up: ${this.#log}`);
  }

  /** Stops the server (SIGTERM) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}
