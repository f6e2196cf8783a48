import { Counter, Histogram, type Registry } from 'prom-client';
import { METRIC_PREFIX } from './registry.js';

/** Requests by route pattern and ErrorCode, and their latency by route. */
export class HttpMetrics {
  readonly #requests: Counter<'route' | 'error_code'>;
  readonly #duration: Histogram<'route'>;

  constructor(registry: Registry) {
    this.#requests = new Counter({
      name: `${METRIC_PREFIX}http_requests_total`,
      help: 'HTTP requests answered, by route pattern and Tencent ErrorCode (0 success; "none" for routes without the envelope)',
      labelNames: ['route', 'error_code'],
      registers: [registry],
    });
    this.#duration = new Histogram({
      name: `${METRIC_PREFIX}http_request_duration_seconds`,
      help: 'Time from the request to the end of the answer, by route pattern',
      labelNames: ['route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
  }

  /** One answered request; `route` must be a route pattern (bounded), never the URL. */
  observe(route: string, errorCode: number | null, seconds: number): void {
    this.#requests.inc({ route, error_code: errorCode === null ? 'none' : String(errorCode) });
    this.#duration.observe({ route }, seconds);
  }
}
