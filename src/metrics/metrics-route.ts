import type { FastifyInstance } from 'fastify';
import proxyAddr from '@fastify/proxy-addr';
import type { Registry } from 'prom-client';
import { rootNotFound } from '../server/root-handlers.js';

/** Who may read /metrics by default: this host only. */
export const DEFAULT_METRICS_ALLOW: readonly string[] = ['loopback'];

export interface MetricsRouteOptions {
  readonly registry: Registry;
  /** Client addresses (CIDRs, proxy-addr names) allowed to read; default DEFAULT_METRICS_ALLOW (loopback). */
  readonly allow?: readonly string[];
}

/**
 * `GET /metrics` in Prometheus' text format, plain HTTP (no envelope). Only for a scraper that
 * connects directly from an allowed address: a request that came through a proxy (it carries
 * X-Forwarded-For or Forwarded) is refused even from an allowed address, so a reverse proxy on
 * the same host does not open the metrics to everyone behind it. A refused request gets exactly
 * the answer of any unknown GET path, so the route's existence is not revealed.
 */
export async function metricsRoute(fastify: FastifyInstance, options: MetricsRouteOptions): Promise<void> {
  const allowed = proxyAddr.compile([...(options.allow ?? DEFAULT_METRICS_ALLOW)]);
  fastify.get('/metrics', async (request, reply) => {
    const peer = request.socket.remoteAddress ?? '';
    if (!allowed(peer, 0) || request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined) {
      rootNotFound(request, reply);
      return reply;
    }
    const text = await options.registry.metrics();
    return reply.header('content-type', options.registry.contentType).header('cache-control', 'no-store').send(text);
  });
}
