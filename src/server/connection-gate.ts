import type { Server } from 'node:net';
import type { Socket } from 'node:net';
import { positiveInteger } from '../limits/clock.js';

/** Connections held at most per client address by default: 100 (a proxy's address is exempt when trusted). */
export const DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 100;
/** Connections held at most in total by default: 10 000 (lowered to fit the open-file limit; see fd-limit.ts). */
export const DEFAULT_MAX_CONNECTIONS = 10_000;

export interface ConnectionGateOptions {
  /** Open connections at most, every server of the gate together. */
  readonly maxConnections: number;
  /** Open connections at most from one remote address. */
  readonly maxPerClient: number;
  /** Addresses the per-client cap does not apply to (trusted proxies carry many clients); default none. */
  readonly exempt?: (address: string) => boolean;
}

/**
 * Caps the TCP connections a process holds, in total and per remote address, across every
 * server attached (HTTP and HTTPS share one budget). A connection over a cap is closed at once,
 * before it is read. Each server's own `maxConnections` is set too, so Node drops the excess
 * even before the 'connection' event: stalled clients cannot use up the file descriptors that
 * normal calls (and the database pool) need.
 */
export class ConnectionGate {
  readonly #max: number;
  readonly #maxPerClient: number;
  readonly #exempt: (address: string) => boolean;
  readonly #byAddress = new Map<string, number>();
  #open = 0;
  #refused = 0;

  constructor(options: ConnectionGateOptions) {
    this.#max = positiveInteger('ConnectionGate', 'maxConnections', options.maxConnections);
    this.#maxPerClient = positiveInteger('ConnectionGate', 'maxPerClient', options.maxPerClient);
    this.#exempt = options.exempt ?? (() => false);
  }

  /** Applies the caps to `server`'s connections from now on. */
  attach(server: Server): void {
    server.maxConnections = this.#max;
    server.on('connection', (socket: Socket) => this.#admit(socket));
  }

  /** Connections currently open through the gate. */
  get open(): number {
    return this.#open;
  }

  /** Connections closed at once for being over a cap, since construction. */
  get refused(): number {
    return this.#refused;
  }

  /** Connections currently open from one address (as Node reports it, e.g. `::ffff:127.0.0.1`). */
  openFrom(address: string): number {
    return this.#byAddress.get(address) ?? 0;
  }

  #admit(socket: Socket): void {
    const address = socket.remoteAddress ?? '';
    const fromAddress = this.#byAddress.get(address) ?? 0;
    if (this.#open >= this.#max || (fromAddress >= this.#maxPerClient && !this.#exempt(address))) {
      this.#refused++;
      socket.destroy();
      return;
    }
    this.#open++;
    this.#byAddress.set(address, fromAddress + 1);
    socket.once('close', () => {
      this.#open--;
      const left = (this.#byAddress.get(address) ?? 1) - 1;
      if (left === 0) this.#byAddress.delete(address);
      else this.#byAddress.set(address, left);
    });
  }
}
