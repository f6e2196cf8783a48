import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/store.js';
import { guard } from '../store/store-error.js';

/**
 * `GET /healthz` with plain HTTP semantics (no Tencent envelope): 200 `{"status":"ok"}` when the
 * database answers a ping, 503 `{"status":"unavailable","database":"<failure>"}` otherwise.
 */
export async function healthRoute(fastify: FastifyInstance, options: { readonly store: Store }): Promise<void> {
  const { store } = options;
  fastify.get('/healthz', async (request, reply) => {
    try {
      await guard(store.dialect, 'health check', () => store.dialect.ping(store.db));
      return { status: 'ok' };
    } catch (err) {
      request.log.warn({ err }, 'health check: database does not answer');
      return reply.code(503).send({ status: 'unavailable', database: (err as { failure?: string }).failure ?? 'error' });
    }
  });
}
