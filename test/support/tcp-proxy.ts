// Tests only: a TCP proxy that can cut the line to a shared database server without stopping it
// (other test files use the same server at the same time).
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxyTarget {
  readonly host: string;
  readonly port: number;
}

/** How a cut looks to the client: `refuse` closes the listener (ECONNREFUSED), `reset` accepts and resets. */
export type CutMode = 'refuse' | 'reset';

/**
 * Forwards 127.0.0.1:`port` to `target`. `cut()` destroys every proxied connection (both ends,
 * so the server rolls back what was in flight) and keeps new ones out until `restore()`.
 * `cutOnClientChunk()` cuts when a client sends a matching chunk (a statement: drivers wait for
 * each answer before sending the next), either dropping it or letting it reach the server first.
 */
export class TcpProxy {
  readonly #target: TcpProxyTarget;
  readonly #pairs = new Set<readonly [Socket, Socket]>();
  #server: Server;
  #port = 0;
  #mode: CutMode | undefined;
  #armed: { match: (chunk: Buffer) => boolean; forward: boolean; mode: CutMode; done: () => void } | undefined;
  /** Connections accepted and forwarded since start. */
  accepted = 0;
  /** Connections turned away while cut (reset mode only; refused ones never reach us). */
  turnedAway = 0;

  private constructor(target: TcpProxyTarget) {
    this.#target = target;
    this.#server = this.#newServer();
  }

  /** Starts a proxy on a free port of 127.0.0.1. */
  static async start(target: TcpProxyTarget): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await proxy.#listen(0);
    return proxy;
  }

  get port(): number {
    return this.#port;
  }

  /** Open proxied connections. */
  get connections(): number {
    return this.#pairs.size;
  }

  get isCut(): boolean {
    return this.#mode !== undefined;
  }

  #newServer(): Server {
    return createServer((client) => this.#accept(client));
  }

  #listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        this.#port = (this.#server.address() as { port: number }).port;
        resolve();
      });
    });
  }

  #accept(client: Socket): void {
    if (this.#mode !== undefined) {
      this.turnedAway++;
      client.resetAndDestroy();
      return;
    }
    this.accepted++;
    const server = connect(this.#target.port, this.#target.host);
    const pair = [client, server] as const;
    this.#pairs.add(pair);
    const drop = () => {
      this.#pairs.delete(pair);
      client.destroy();
      server.destroy();
    };
    client.on('error', drop).on('close', drop);
    server.on('error', drop).on('close', drop);
    client.on('data', (chunk: Buffer) => {
      const armed = this.#armed;
      if (armed?.match(chunk)) {
        this.#armed = undefined;
        if (armed.forward) {
          // The statement reaches the server, which runs it to the end before it reads the
          // end of the stream; its answer never reaches the client.
          this.#pairs.delete(pair);
          client.removeAllListeners('close').removeAllListeners('error').on('error', () => {});
          server.unpipe(client);
          server.resume();
          server.end(chunk);
        }
        client.destroy();
        void this.cut(armed.mode).then(armed.done);
        return;
      }
      server.write(chunk);
    });
    server.pipe(client);
  }

  /** Destroys every proxied connection and keeps new ones out until restore(). */
  async cut(mode: CutMode = 'refuse'): Promise<void> {
    if (this.#mode !== undefined) return;
    this.#mode = mode;
    for (const [client, server] of this.#pairs) {
      client.destroy();
      server.destroy();
    }
    this.#pairs.clear();
    if (mode === 'refuse') await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /**
   * Cuts (like cut()) when a client sends a chunk that `match`es; with `forward` the chunk is
   * delivered to the server first (say a COMMIT whose answer is then lost), otherwise it is
   * dropped. Resolves once cut.
   */
  cutOnClientChunk(match: (chunk: Buffer) => boolean, options: { forward?: boolean; mode?: CutMode } = {}): Promise<void> {
    return new Promise((done) => {
      this.#armed = { match, forward: options.forward ?? false, mode: options.mode ?? 'refuse', done };
    });
  }

  /** Lets connections through again, on the same port. */
  async restore(): Promise<void> {
    if (this.#mode === undefined) return;
    if (this.#mode === 'refuse') {
      this.#server = this.#newServer();
      await this.#listen(this.#port);
    }
    this.#mode = undefined;
  }

  async close(): Promise<void> {
    this.#armed = undefined;
    for (const [client, server] of this.#pairs) {
      client.destroy();
      server.destroy();
    }
    this.#pairs.clear();
    if (this.#server.listening) await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
