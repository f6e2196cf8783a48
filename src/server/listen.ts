import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { secondaryServerOf } from './http-servers.js';

/** Port served when none is given: 8080. */
export const DEFAULT_PORT = 8080;
/** Address served when none is given: `::` (IPv6 and, on dual-stack hosts, IPv4 too). */
export const DEFAULT_HOST = '::';

export interface ListenOptions {
  /** An IPv4 or IPv6 address or a host name; default `::`, falling back to `0.0.0.0` without IPv6. */
  readonly host?: string;
  /** Default 8080; 0 picks a free port. */
  readonly port?: number;
  /** With host `::`, refuse IPv4 connections; default false. */
  readonly ipv6Only?: boolean;
  /** Port of the HTTPS server beside HTTP (an app built with `tls.alongsideHttp`); 0 picks a free one. */
  readonly tlsPort?: number;
}

/** Where an app listens: its primary URL and, with TLS beside HTTP, the HTTPS one. */
export interface Listening {
  readonly url: string;
  readonly tlsUrl?: string;
}

/**
 * Starts serving an app from buildApp and, when it was built with TLS beside HTTP, its HTTPS
 * server on `tlsPort` at the same host (resolving once both listen).
 */
export async function listenAll(app: FastifyInstance, options: ListenOptions = {}): Promise<Listening> {
  const url = await listen(app, options);
  const secondary = secondaryServerOf(app);
  if (secondary === undefined) return { url };
  if (options.tlsPort === undefined) throw new Error('the app serves HTTPS beside HTTP: give tlsPort');
  const host = (app.server.address() as AddressInfo).address;
  await new Promise<void>((resolve, reject) => {
    secondary.once('error', reject);
    secondary.listen({ host, port: options.tlsPort, ipv6Only: options.ipv6Only ?? false }, () => {
      secondary.off('error', reject);
      resolve();
    });
  });
  const address = secondary.address() as AddressInfo;
  return { url, tlsUrl: `https://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}` };
}

/**
 * Starts serving an app from buildApp (HTTP, or HTTPS when it was built with TLS files) and
 * resolves with the URL it listens on, e.g. `http://127.0.0.1:8080` or `https://[::1]:8443`.
 */
export async function listen(app: FastifyInstance, options: ListenOptions = {}): Promise<string> {
  const port = options.port ?? DEFAULT_PORT;
  const host = options.host ?? DEFAULT_HOST;
  try {
    return await app.listen({ host, port, ipv6Only: options.ipv6Only ?? false });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (options.host === undefined && (code === 'EAFNOSUPPORT' || code === 'EADDRNOTAVAIL')) {
      return app.listen({ host: '0.0.0.0', port });
    }
    throw err;
  }
}
