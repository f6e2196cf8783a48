import { ingestorForStore } from '../ingest/ingestor-for-store.js';
import { readFileSync } from 'node:fs';
import compress from '@fastify/compress';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { FailureBrake, FrequencyLimiter } from '../limits/index.js';
import { AppCache, DEFAULT_APP_CACHE_TTL_MS } from '../rest/app-cache.js';
import { AnswerCache, DEFAULT_ANSWER_CACHE_TTL_MS } from '../rest/answer-cache.js';
import { ENVELOPE_CONTENT_TYPE, failureEnvelope } from '../rest/envelope.js';
import { ERROR_CODES } from '../rest/error-codes.js';
import { DEFAULT_MAX_BODY_BYTES } from '../rest/raw-body.js';
import type { RestContext } from '../rest/rest-context.js';
import { restPlugin } from '../rest/rest-plugin.js';
import { AppsRepo } from '../store/apps-repo.js';
import { StatsRepo } from '../store/stats-repo.js';
import { TokensRepo } from '../tokens/tokens-repo.js';
import { DEFAULT_RETENTION_DAYS } from '../ingest/ingestor.js';
import { pruneExpired } from '../store/retention.js';
import type { Store } from '../store/store.js';
import { DEFAULT_USERSIG_CACHE_ENTRIES, VerifiedUserSigCache } from '../usersig/index.js';
import { clientErrorHandler } from './client-error-handler.js';
import { healthRoute } from './health-route.js';
import { consoleRoute } from '../console/console-route.js';
import { redactUrl } from './redact-url.js';

/** getappinfo calls allowed per SDKAppID per second (Tencent's limit): 200. */
export const DEFAULT_RATE_LIMIT = 200;
/** Expired per-user detail is pruned this often while serving: hourly. */
export const PRUNE_INTERVAL_MS = 3_600_000;

export interface TlsFiles {
  /** PEM certificate (chain) file. */
  readonly certFile: string;
  /** PEM private key file. */
  readonly keyFile: string;
}

export interface AppConfig {
  /** The open database; the app never closes it. */
  readonly store: Store;
  /** Calls per SDKAppID and route per window (60007 beyond); default DEFAULT_RATE_LIMIT (200). */
  readonly rateLimit?: number;
  /** Window of the frequency limit; default 1000 ms. */
  readonly rateLimitWindowMs?: number;
  /** UserSig failures per client per minute before the brake (70050) engages; default FailureBrake's (20). */
  readonly brakeThreshold?: number;
  /** Milliseconds clock used for UserSig expiry, report windows, limits and caches; default Date.now. */
  readonly nowMs?: () => number;
  /** Log requests and failures with pino (UserSigs redacted); default false. */
  readonly logger?: boolean;
  /** Pino level when logging; default `info`. */
  readonly logLevel?: string;
  /** Where log lines go when logging; default stdout. */
  readonly logStream?: { write(line: string): void };
  /** Serve HTTPS with this certificate and key; plain HTTP when absent. */
  readonly tls?: TlsFiles;
  /**
   * The retention window in days: how far back a StartDate and an ingested event may reach, and how
   * long per-user detail is kept (pruned hourly); default DEFAULT_RETENTION_DAYS (35).
   */
  readonly retentionDays?: number;
  /** How long apps are cached in memory; default 1 s (several nodes may share one database). */
  readonly appCacheTtlMs?: number;
  /**
   * How long a getappinfo answer is served without checking the app's data version; default
   * DEFAULT_ANSWER_CACHE_TTL_MS (1 s): another node's writes show within that. 0 checks every call.
   */
  readonly answerCacheTtlMs?: number;
  /** Verified UserSigs kept; default 10 000. */
  readonly userSigCacheEntries?: number;
  /** Largest /v4 body; default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Trust X-Forwarded-For for the client address (the brake's key); Fastify's `trustProxy`, default false. */
  readonly trustProxy?: boolean | string | string[];
  /** Smallest answer gzip-compressed when the client asks; default 0 (every answer, as api.md says). */
  readonly compressThresholdBytes?: number;
}

/**
 * Builds the HTTP application without listening (tests use `inject()`; `listen()` serves it):
 * the Tencent-compatible `/v4` API (rest/rest-plugin.ts, routes in rest/routes/index.ts), a
 * plain `GET /healthz` and the console at `/console/` (console/console-route.ts). Call
 * `await app.ready()` or `listen(app)` before use; `app.close()` does not close the store.
 */
export function buildApp(config: AppConfig): FastifyInstance {
  const nowMs = config.nowMs ?? Date.now;
  const maxBodyBytes = config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const options: FastifyServerOptions & { https?: { cert: Buffer; key: Buffer } } = {
    logger: config.logger
      ? {
          level: config.logLevel ?? 'info',
          ...(config.logStream ? { stream: config.logStream } : {}),
          serializers: {
            req: (req) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }),
          },
        }
      : false,
    routerOptions: { ignoreDuplicateSlashes: true },
    bodyLimit: maxBodyBytes,
    trustProxy: config.trustProxy ?? false,
    clientErrorHandler,
    // A malformed URL under /v4 is Tencent's 60002, still over HTTP 200; elsewhere (/healthz) it
    // is plain HTTP: Fastify's own 400.
    frameworkErrors: (err, request, reply) => {
      if (!isV4Path(request.url)) return void (reply as FastifyReply).send(err);
      void (reply as FastifyReply)
        .code(200)
        .header('content-type', ENVELOPE_CONTENT_TYPE)
        .send(failureEnvelope(ERROR_CODES.BAD_HTTP.code, `${ERROR_CODES.BAD_HTTP.info}: ${err.message}`));
    },
  };
  if (config.tls) options.https = { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) };
  const app = Fastify(options) as unknown as FastifyInstance;

  const retentionDays = config.retentionDays ?? DEFAULT_RETENTION_DAYS;
  const apps = new AppCache(new AppsRepo(config.store), { ttlMs: config.appCacheTtlMs ?? DEFAULT_APP_CACHE_TTL_MS, clock: nowMs });
  const answers = new AnswerCache({ ttlMs: config.answerCacheTtlMs ?? DEFAULT_ANSWER_CACHE_TTL_MS });
  const ctx: RestContext = {
    store: config.store,
    apps,
    stats: new StatsRepo(config.store),
    answers,
    ingestor: ingestorForStore(config.store, { apps,
      retentionDays,
      clock: nowMs,
      onApplied: (ids) => ids.forEach((id) => answers.forget(id)),
    }),
    userSigs: new VerifiedUserSigCache(config.userSigCacheEntries ?? DEFAULT_USERSIG_CACHE_ENTRIES),
    frequency: new FrequencyLimiter({ limit: config.rateLimit ?? DEFAULT_RATE_LIMIT, windowMs: config.rateLimitWindowMs ?? 1000, clock: nowMs }),
    brake: new FailureBrake({ ...(config.brakeThreshold !== undefined ? { threshold: config.brakeThreshold } : {}), clock: nowMs }),
    tokens: new TokensRepo(config.store),
    nowMs,
    retentionDays,
  };

  // Distinct counts need per-user detail only within the window; a failed prune retries next hour.
  let pruner: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    pruner = setInterval(() => void pruneExpired(config.store, nowMs(), retentionDays).catch((err) => app.log.warn({ err }, 'pruning failed')), PRUNE_INTERVAL_MS);
    pruner.unref();
  });
  app.addHook('onClose', async () => clearInterval(pruner));

  void app.register(compress, { threshold: config.compressThresholdBytes ?? 0, encodings: ['gzip', 'deflate'] });
  void app.register(healthRoute, { store: config.store });
  void app.register(consoleRoute);
  void app.register(restPlugin, { context: ctx, body: { maxBytes: maxBodyBytes }, prefix: '/v4' });
  return app;
}

/** Whether a request path is under the Tencent-compatible /v4 prefix (its envelope's domain). */
function isV4Path(url: string): boolean {
  return /^\/+v4(?:[/?#]|$)/.test(url);
}
