import { ingestorForStore } from '../ingest/ingestor-for-store.js';
import { readFileSync } from 'node:fs';
import { constants } from 'node:zlib';
import proxyAddr from '@fastify/proxy-addr';
import compress from '@fastify/compress';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { FrequencyLimiter, LocalLimitStore, SignatureBrake, type LimitStore } from '../limits/index.js';
import { AppCache, DEFAULT_APP_CACHE_TTL_MS } from '../rest/app-cache.js';
import { AnswerCache, DEFAULT_ANSWER_CACHE_TTL_MS } from '../rest/answer-cache.js';
import { ENVELOPE_CONTENT_TYPE } from '../rest/envelope.js';
import { BodyBudget, DEFAULT_CALLBACK_BODY_BUDGET_BYTES } from '../rest/body-budget.js';
import { DEFAULT_MAX_BODY_BYTES } from '../rest/raw-body.js';
import type { RestContext } from '../rest/rest-context.js';
import { restPlugin } from '../rest/rest-plugin.js';
import { getAppInfoFastPath, GETAPPINFO_URL } from '../rest/getappinfo-fast-path.js';
import { AppsRepo } from '../store/apps-repo.js';
import { StatsRepo } from '../store/stats-repo.js';
import { TokensRepo } from '../tokens/tokens-repo.js';
import { DEFAULT_RETENTION_DAYS } from '../ingest/ingestor.js';
import { pruneExpired } from '../store/retention.js';
import type { Store } from '../store/store.js';
import { DEFAULT_USERSIG_CACHE_ENTRIES, VerifiedUserSigCache } from '../usersig/index.js';
import { clientErrorHandler } from './client-error-handler.js';
import { healthRoute } from './health-route.js';
import { ConnectionGate, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_CLIENT } from './connection-gate.js';
import { connectionCapFor, openFileLimit } from './fd-limit.js';
import { createServerSet, setSecondaryServer, type Timeouts } from './http-servers.js';
import { CallbackInbox, DEFAULT_INBOX_LIMIT, InboxDrainer } from '../inbox/index.js';
import { OPENIM_TRANSPORT, translateStoredOpenImWebhook } from '../events/adapters/openim-webhook/index.js';
import { TENCENT_TRANSPORT, translateStoredTencentCallback } from '../events/adapters/tencent-callback/index.js';
import { consoleRoute } from '../console/console-route.js';
import { redactUrl } from './redact-url.js';
import { frameworkError, rootNotFound } from './root-handlers.js';
import type { ClusterChanges } from '../redis/cluster-change.js';
import { applyClusterChange } from './cluster-caches.js';
import { newMetricsRegistry } from '../metrics/registry.js';
import { HttpMetrics } from '../metrics/http-metrics.js';
import { IngestMetrics } from '../metrics/ingest-metrics.js';
import { registerServerGauges, type RedisStateSource } from '../metrics/server-gauges.js';
import { metricsRoute } from '../metrics/metrics-route.js';
import type { Registry } from 'prom-client';

/** getappinfo calls allowed per SDKAppID per second (Tencent's limit): 200. */
export const DEFAULT_RATE_LIMIT = 200;
/** Expired per-user detail is pruned this often while serving: hourly. */
export const PRUNE_INTERVAL_MS = 3_600_000;
/** Answers smaller than this are sent uncompressed even when the client asks for gzip: 1 KiB (gzip's 20-byte frame would make small ones bigger). */
export const DEFAULT_COMPRESS_THRESHOLD_BYTES = 1024;
/**
 * Answers up to this size are gzipped in one synchronous call, with a Content-Length: 256 KiB,
 * above the largest getstats answer (800 rows). @fastify/compress otherwise streams anything over
 * 8 KiB on a 2-core host through zlib's thread pool, chunked, which costs a 39 KB answer more in
 * hand-offs than the compression itself (and adds its jitter to the tail).
 */
const SYNC_COMPRESS_MAX_BYTES = 256 * 1024;
/**
 * gzip level 1 (nginx's default gzip_comp_level): about 2.5× faster than zlib's default 6 on our
 * JSON answers, for gzipped answers about a third larger (a 39 KB getstats answer: 6.7 KB, not 5.2).
 */
const GZIP_LEVEL = constants.Z_BEST_SPEED;

export interface TlsFiles {
  /** PEM certificate (chain) file. */
  readonly certFile: string;
  /** PEM private key file. */
  readonly keyFile: string;
  /**
   * Serve HTTPS on a second server beside the plain HTTP one (`serve --tls-port`), both in this
   * process with the same limits and caches; default false: the one server speaks HTTPS only.
   */
  readonly alongsideHttp?: boolean;
}

/** `GET /metrics` (serve --metrics): who may read it and what it shows beyond the defaults. */
export interface MetricsConfig {
  /** Addresses/CIDRs (or loopback, linklocal, uniquelocal) a scraper may connect from; default loopback. */
  readonly allow?: readonly string[];
  /** Today's counters of at most this many apps (imstats_app_today); default 0 (none). */
  readonly apps?: number;
  /** The Redis limit store's state, shown as imstats_redis_up; absent without Redis. */
  readonly redis?: RedisStateSource;
  /** Register into this registry instead of a fresh one (the caller adds its own series). */
  readonly registry?: Registry;
}

export interface AppConfig extends Timeouts {
  /** The open database; the app never closes it. */
  readonly store: Store;
  /** Calls per SDKAppID and route in any window (60007 beyond); default DEFAULT_RATE_LIMIT (200). */
  readonly rateLimit?: number;
  /** Window of the frequency limit (sliding); default 1000 ms. */
  readonly rateLimitWindowMs?: number;
  /** UserSig failures per (client address, app) per minute before the brake (70050) engages; default 20. */
  readonly brakeThreshold?: number;
  /** UserSig failures per (app, identifier) per minute, all clients together, before that account is braked; default 200. */
  readonly accountBrakeThreshold?: number;
  /** Where the frequency limit and the brake count; default this process's memory (a LocalLimitStore). */
  readonly limitStore?: LimitStore;
  /**
   * Changes told to and heard from the other API nodes (`serve --redis`): this node's applied
   * batches are announced, and other nodes' app, key, admin, token and data changes drop this
   * node's caches at once. Default none: caches expire on their own (1 s).
   */
  readonly changes?: ClusterChanges;
  /** Serve `GET /metrics` (Prometheus text) with these settings; default off (the path answers like any unknown one). */
  readonly metrics?: MetricsConfig;
  /** Milliseconds clock used for UserSig expiry, report windows, limits and caches; default Date.now. */
  readonly nowMs?: () => number;
  /** Log requests and failures with pino (UserSigs and Signs redacted, each answer's ErrorCode); default false. */
  readonly logger?: boolean;
  /** Pino level when logging; default `info`. */
  readonly logLevel?: string;
  /** Where log lines go when logging; default stdout. */
  readonly logStream?: { write(line: string): void };
  /** Serve HTTPS with this certificate and key (alone, or beside HTTP); plain HTTP when absent. */
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
  /** Largest /v4 body (after decompression); default 1 MiB. */
  readonly maxBodyBytes?: number;
  /**
   * The proxies whose X-Forwarded-For is believed (addresses, CIDRs, or proxy-addr's names
   * `loopback`, `linklocal`, `uniquelocal`); the client address, which the brake is keyed by, is
   * then the nearest untrusted hop. Default none: the socket's peer is the client.
   */
  readonly trustProxy?: readonly string[];
  /** Smallest answer gzip-compressed when the client asks; default DEFAULT_COMPRESS_THRESHOLD_BYTES (1 KiB). */
  readonly compressThresholdBytes?: number;
  /** Open connections at most, HTTP and HTTPS together; default 10 000, lowered to the open-file limit minus 128. */
  readonly maxConnections?: number;
  /** Open connections at most from one address (trusted proxies exempt); default 100. */
  readonly maxConnectionsPerClient?: number;
  /** Memory all concurrent callback bodies may hold together; default 64 MiB (60007 beyond). */
  readonly callbackBodyBudgetBytes?: number;
  /**
   * Answer getappinfo calls that succeed from the answer cache without Fastify's per-request work
   * (rest/getappinfo-fast-path.ts; same bytes); default true. Off with request logging or a limit
   * store without synchronous answers. false sends every request through Fastify.
   */
  readonly fastPath?: boolean;
  /** Callbacks one app may have stored and not yet applied; more are answered 60007 (retry later). 0: no limit. Default 100,000. */
  readonly callbackInboxLimit?: number;
}

const fastPathCounts = new WeakMap<FastifyInstance, number>();

/** getappinfo calls the app answered on its fast path (AppConfig.fastPath) so far: tests prove it ran. */
export function fastPathAnswers(app: FastifyInstance): number {
  return fastPathCounts.get(app) ?? 0;
}

/**
 * Builds the HTTP application without listening (tests use `inject()`; `listen()` serves it):
 * the Tencent-compatible `/v4` API (rest/rest-plugin.ts, routes in rest/routes/index.ts), a
 * plain `GET /healthz` and the console at `/console/` (console/console-route.ts); any other path
 * gets the envelope too. The servers (http-servers.ts) carry header, request and keep-alive
 * timeouts and a connection gate (total and per-client caps). Call `await app.ready()` or
 * `listen(app)` before use; `app.close()` does not close the store.
 */
export function buildApp(config: AppConfig): FastifyInstance {
  const nowMs = config.nowMs ?? Date.now;
  const maxBodyBytes = config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const trusted = config.trustProxy && config.trustProxy.length > 0 ? proxyAddr.compile([...config.trustProxy]) : undefined;
  const gate = new ConnectionGate({
    maxConnections: config.maxConnections ?? connectionCapFor(DEFAULT_MAX_CONNECTIONS, openFileLimit()),
    maxPerClient: config.maxConnectionsPerClient ?? DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
    ...(trusted ? { exempt: (address: string) => trusted(address, 0) } : {}),
  });
  const tls = config.tls ? { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile), alongsideHttp: config.tls.alongsideHttp ?? false } : undefined;
  let secondary: ReturnType<typeof createServerSet>['secondary'];
  // Set below once the context exists (see getAppInfoFastPath); unset, every request goes to Fastify.
  let fastPath: ReturnType<typeof getAppInfoFastPath> | undefined;
  const options: FastifyServerOptions & { https?: { cert: Buffer; key: Buffer } } = {
    logger: config.logger
      ? {
          level: config.logLevel ?? 'info',
          ...(config.logStream ? { stream: config.logStream } : {}),
          serializers: {
            req: (req) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }),
            // Every business outcome is HTTP 200: the ErrorCode is what tells a failure from a success.
            res: (reply) => ({ statusCode: reply.statusCode, ErrorCode: (reply as Partial<FastifyReply>).request?.imstatsErrorCode ?? undefined }),
          },
        }
      : false,
    routerOptions: { ignoreDuplicateSlashes: true },
    bodyLimit: maxBodyBytes,
    trustProxy: trusted ?? false,
    clientErrorHandler,
    frameworkErrors: frameworkError,
    serverFactory: (fastify) => {
      const handler: typeof fastify = (req, res) => (fastPath ? fastPath(req, res, fastify) : fastify(req, res));
      const set = createServerSet(handler, { timeouts: config, gate, clientErrorHandler, ...(tls ? { tls } : {}) });
      secondary = set.secondary;
      return set.primary;
    },
  };
  // Only for the URL listen() reports; the server itself comes from serverFactory.
  if (tls && !tls.alongsideHttp) options.https = { cert: tls.cert, key: tls.key };
  const app = Fastify(options) as unknown as FastifyInstance;
  if (secondary) {
    const server = secondary;
    setSecondaryServer(app, server);
    app.addHook('onClose', async () => {
      if (!server.listening) return;
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
  }

  const retentionDays = config.retentionDays ?? DEFAULT_RETENTION_DAYS;
  const limitStore = config.limitStore ?? new LocalLimitStore();
  const registry = config.metrics ? (config.metrics.registry ?? newMetricsRegistry()) : undefined;
  const ingestMetrics = registry ? new IngestMetrics(registry) : undefined;
  const appsRepo = new AppsRepo(config.store);
  const apps = new AppCache(appsRepo, { ttlMs: config.appCacheTtlMs ?? DEFAULT_APP_CACHE_TTL_MS, clock: nowMs });
  const answers = new AnswerCache({ ttlMs: config.answerCacheTtlMs ?? DEFAULT_ANSWER_CACHE_TTL_MS });
  const ingestor = ingestorForStore(config.store, {
    apps,
    retentionDays,
    clock: nowMs,
    onApplied: (ids) => {
      ids.forEach((id) => answers.forget(id));
      config.changes?.publish({ kind: 'data', sdkappids: [...ids] });
    },
    ...(ingestMetrics ? { onOutcome: (outcome) => ingestMetrics.observe(outcome) } : {}),
  });
  const inbox = new CallbackInbox(config.store, { limit: config.callbackInboxLimit ?? DEFAULT_INBOX_LIMIT, clock: nowMs });
  const drainer = new InboxDrainer(inbox, ingestor, {
    translators: new Map([
      [TENCENT_TRANSPORT, translateStoredTencentCallback],
      [OPENIM_TRANSPORT, translateStoredOpenImWebhook],
    ]),
    clock: nowMs,
    onError: (err, what) => app.log.error({ err }, what),
  });
  const userSigs = new VerifiedUserSigCache(config.userSigCacheEntries ?? DEFAULT_USERSIG_CACHE_ENTRIES);
  const unsubscribe = config.changes?.subscribe((change) => applyClusterChange({ apps, answers, userSigs }, change));
  const ctx: RestContext = {
    store: config.store,
    apps,
    stats: new StatsRepo(config.store),
    answers,
    ingestor,
    inbox,
    drainer,
    userSigs,
    frequency: new FrequencyLimiter({ limit: config.rateLimit ?? DEFAULT_RATE_LIMIT, windowMs: config.rateLimitWindowMs ?? 1000, store: limitStore, clock: nowMs }),
    brake: new SignatureBrake({
      store: limitStore,
      clock: nowMs,
      ...(config.brakeThreshold !== undefined ? { clientThreshold: config.brakeThreshold } : {}),
      ...(config.accountBrakeThreshold !== undefined ? { accountThreshold: config.accountBrakeThreshold } : {}),
    }),
    callbackBodies: new BodyBudget(config.callbackBodyBudgetBytes ?? DEFAULT_CALLBACK_BODY_BUDGET_BYTES),
    tokens: new TokensRepo(config.store),
    nowMs,
    retentionDays,
  };

  let observeFastPath: ((seconds: number) => void) | undefined;
  if (registry && config.metrics) {
    registerServerGauges(registry, {
      store: config.store,
      inbox,
      userSigs,
      ...(config.metrics.redis ? { redis: config.metrics.redis } : {}),
      ...(config.metrics.apps ? { liveApps: { max: config.metrics.apps, apps: appsRepo, stats: ctx.stats, nowMs } } : {}),
    });
    const http = new HttpMetrics(registry);
    observeFastPath = (seconds) => http.observe(GETAPPINFO_URL, 0, seconds);
    app.addHook('onResponse', (request, reply, done) => {
      http.observe(request.routeOptions.url ?? 'unmatched', request.imstatsErrorCode, reply.elapsedTime / 1000);
      done();
    });
    void app.register(metricsRoute, { registry, ...(config.metrics.allow ? { allow: config.metrics.allow } : {}) });
  }

  // Cached getappinfo successes skip Fastify's per-request work (rest/getappinfo-fast-path.ts).
  // Not with request logging (Fastify logs every request), nor with a limit store that answers
  // only by promise (the fast path must know at once whether it may answer).
  if (config.fastPath !== false && !config.logger && typeof limitStore.admitNow === 'function') {
    const lean = getAppInfoFastPath({
      ctx,
      maxBodyBytes,
      ...(trusted ? { trusted } : {}),
      ...(observeFastPath ? { observe: observeFastPath } : {}),
      onAnswered: () => fastPathCounts.set(app, (fastPathCounts.get(app) ?? 0) + 1),
    });
    app.addHook('onReady', (done) => {
      fastPath = lean;
      done();
    });
    // From close() on, Fastify answers everything itself (it refuses new requests while closing).
    app.addHook('preClose', (done) => {
      fastPath = undefined;
      done();
    });
  }

  // Distinct counts need per-user detail only within the window; a failed prune retries next hour.
  let pruner: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    // Callbacks stored but not applied when a node stopped (or crashed) are applied now.
    drainer.start();
    pruner = setInterval(() => void pruneExpired(config.store, nowMs(), retentionDays).catch((err) => app.log.warn({ err }, 'pruning failed')), PRUNE_INTERVAL_MS);
    pruner.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(pruner);
    unsubscribe?.();
    await drainer.stop();
  });

  app.decorateRequest('imstatsErrorCode', null);
  app.setNotFoundHandler(rootNotFound);
  // Fastify appends `; charset=utf-8` to JSON; an envelope is always exactly `application/json`.
  // Callback style: an async hook costs a promise and a microtask on every request.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.imstatsErrorCode !== null) reply.header('content-type', ENVELOPE_CONTENT_TYPE);
    done(null, payload);
  });
  // Request bodies are decompressed by the /v4 body parser, bounded (the plugin's own decompression has no size limit).
  void app.register(compress, {
    threshold: config.compressThresholdBytes ?? DEFAULT_COMPRESS_THRESHOLD_BYTES,
    syncThreshold: SYNC_COMPRESS_MAX_BYTES,
    zlibOptions: { level: GZIP_LEVEL },
    encodings: ['gzip', 'deflate'],
    globalDecompression: false,
  });
  void app.register(healthRoute, { store: config.store });
  void app.register(consoleRoute);
  void app.register(restPlugin, { context: ctx, body: { maxBytes: maxBodyBytes }, prefix: '/v4' });
  return app;
}
