import { access } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import proxyAddr from '@fastify/proxy-addr';
import { buildApp, DEFAULT_RATE_LIMIT } from '../../server/build-app.js';
import { DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_CLIENT } from '../../server/connection-gate.js';
import { connectionCapFor, openFileLimit, RESERVED_FILE_DESCRIPTORS } from '../../server/fd-limit.js';
import { DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_KEEP_ALIVE_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from '../../server/http-servers.js';
import { DEFAULT_ANSWER_CACHE_TTL_MS } from '../../rest/answer-cache.js';
import { DEFAULT_INBOX_LIMIT } from '../../inbox/index.js';
import { DEFAULT_PORT, listenAll } from '../../server/listen.js';
import { makeUserSig } from '../../usersig/index.js';
import type { CliContext } from '../cli-io.js';
import { CliError } from '../cli-error.js';
import { openCliStore } from '../database-option.js';
import { DEFAULT_DEMO_USERS, DEMO_ADMIN, ensureDemoApp } from '../demo-app.js';
import { port, positiveInt, wholeNumber } from '../parse-args.js';
import { TokensRepo } from '../../tokens/tokens-repo.js';
import { DEFAULT_APP_CACHE_TTL_MS } from '../../rest/app-cache.js';
import { RedisCluster } from '../../redis/redis-cluster.js';
import { DEFAULT_REDIS_COMMAND_TIMEOUT_MS } from '../../redis/redis-connection.js';
import { redisOption, redisPrefix, redisPrefixOption, redisUrl } from '../redis-option.js';
import { aborted, processStopSignal } from '../stop-signal.js';

/** Apps whose live counters /metrics may show at most (each is a query per scrape and 30 series). */
const MAX_METRICS_APPS = 1000;

interface Options {
  readonly port?: number;
  readonly host?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly tlsPort?: number;
  readonly trustProxy?: string;
  readonly headerTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly keepAliveTimeoutMs?: number;
  readonly maxConnections?: number;
  readonly maxConnectionsPerClient?: number;
  readonly rateLimit: number;
  readonly answerCacheMs: number;
  readonly inboxLimit: number;
  readonly rateLimitWindowMs: number;
  readonly appCacheMs: number;
  readonly redis?: string;
  readonly redisPrefix?: string;
  readonly redisTimeoutMs?: number;
  readonly metrics?: boolean;
  readonly metricsAllow?: string;
  readonly metricsApps?: number;
  readonly demo?: boolean;
  readonly demoUsers: number;
  readonly log?: boolean;
}

/**
 * `imstats serve`: opens (and migrates) the database, optionally sets up the demo app, and serves
 * the API until SIGINT/SIGTERM (or ctx.signal). Prints the URL it listens on and, with --demo,
 * the SDKAppID, admin, a fresh UserSig and a ready-to-paste curl line.
 */
export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('serve the getappinfo API')
    .option('--port <n>', `TCP port, 0 for any free one (default: $IMSTATS_PORT, else ${DEFAULT_PORT})`, port)
    .option('--host <address>', 'address to listen on: :: (IPv6 and IPv4), 0.0.0.0 (IPv4 only), 127.0.0.1, ::1… (default: ::, else 0.0.0.0 without IPv6)')
    .option('--tls-cert <file>', 'PEM certificate: serve HTTPS (with --tls-key)')
    .option('--tls-key <file>', 'PEM private key (with --tls-cert)')
    .option('--tls-port <n>', 'with --tls-cert/--tls-key: serve HTTPS on this port and plain HTTP on --port, from one process (default: $IMSTATS_TLS_PORT; without either, --port speaks HTTPS only)', port)
    .option('--trust-proxy <list>', 'comma-separated addresses/CIDRs of proxies whose X-Forwarded-For gives the client address (also loopback, linklocal, uniquelocal) (default: $IMSTATS_TRUST_PROXY, else none)')
    .option('--header-timeout-ms <n>', `a request's headers must arrive within this (default: $IMSTATS_HEADER_TIMEOUT_MS, else ${DEFAULT_HEADERS_TIMEOUT_MS})`, positiveInt)
    .option('--request-timeout-ms <n>', `a whole request, body included, must arrive within this (default: $IMSTATS_REQUEST_TIMEOUT_MS, else ${DEFAULT_REQUEST_TIMEOUT_MS})`, positiveInt)
    .option('--keep-alive-timeout-ms <n>', `an idle keep-alive connection is closed after this (default: $IMSTATS_KEEP_ALIVE_TIMEOUT_MS, else ${DEFAULT_KEEP_ALIVE_TIMEOUT_MS})`, positiveInt)
    .option('--max-connections <n>', `open connections at most, HTTP and HTTPS together (default: $IMSTATS_MAX_CONNECTIONS, else ${DEFAULT_MAX_CONNECTIONS} or the open-file limit minus ${RESERVED_FILE_DESCRIPTORS})`, positiveInt)
    .option('--max-connections-per-client <n>', `open connections at most from one address; trusted proxies are exempt (default: $IMSTATS_MAX_CONNECTIONS_PER_CLIENT, else ${DEFAULT_MAX_CONNECTIONS_PER_CLIENT})`, positiveInt)
    .option('--rate-limit <n>', 'getappinfo calls per second per SDKAppID', positiveInt, DEFAULT_RATE_LIMIT)
    .option('--rate-limit-window-ms <n>', 'the sliding window of --rate-limit (Tencent: 1000)', positiveInt, 1000)
    .option('--answer-cache-ms <n>', "serve a getappinfo answer this long without checking whether the app's data changed (0: check every call)", wholeNumber, DEFAULT_ANSWER_CACHE_TTL_MS)
    .option('--inbox-limit <n>', 'callbacks one app may have stored and not yet applied; more are answered 60007 so the sender retries (0: no limit)', wholeNumber, DEFAULT_INBOX_LIMIT)
    .option('--app-cache-ms <n>', 'trust a cached app (key, admins, enabled) this long; with --redis, changes made by imstats app … --redis reach every node at once anyway (0: read every call)', wholeNumber, DEFAULT_APP_CACHE_TTL_MS)
    .addOption(redisOption('share the frequency limit and the 70050 brake with every API node using this Redis, and hear their app, key, token and data changes at once'))
    .addOption(redisPrefixOption())
    .option('--redis-timeout-ms <n>', `a limit check waits at most this for Redis before this node decides alone (default: $IMSTATS_REDIS_TIMEOUT_MS, else ${DEFAULT_REDIS_COMMAND_TIMEOUT_MS})`, positiveInt)
    .option('--metrics', 'serve GET /metrics (Prometheus text format) to the addresses of --metrics-allow (default: on when $IMSTATS_METRICS is 1)')
    .option('--metrics-allow <list>', 'comma-separated addresses/CIDRs (or loopback, linklocal, uniquelocal) a scraper may connect from; requests through a proxy are always refused (default: $IMSTATS_METRICS_ALLOW, else loopback)')
    .option('--metrics-apps <n>', `with --metrics: today's counters of up to this many apps, lowest SDKAppIDs first (default: $IMSTATS_METRICS_APPS, else 0; at most ${MAX_METRICS_APPS})`, positiveInt)
    .option('--demo', 'create a demo app with 30 simulated days on first start (reused later) and print how to call it')
    .option('--demo-users <n>', 'users of the simulated demo app', positiveInt, DEFAULT_DEMO_USERS)
    .option('--log', "log requests as JSON lines on stdout with each answer's ErrorCode (UserSigs and Signs redacted)")
    .action((o: Options) => serve(ctx, o));
}

async function serve(ctx: CliContext, o: Options): Promise<void> {
  const listenPort = o.port ?? envPort(ctx.env.IMSTATS_PORT);
  if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) throw new CliError('--tls-cert and --tls-key must be given together');
  for (const file of [o.tlsCert, o.tlsKey]) {
    if (file !== undefined) await access(file).catch(() => Promise.reject(new CliError(`cannot read ${JSON.stringify(file)}`)));
  }
  const tlsPort = o.tlsPort ?? envNumber(ctx.env, 'IMSTATS_TLS_PORT', port);
  if (tlsPort !== undefined && o.tlsCert === undefined) throw new CliError('--tls-port needs --tls-cert and --tls-key');
  const trustProxy = parseTrustProxy(o.trustProxy ?? ctx.env.IMSTATS_TRUST_PROXY);
  const front = {
    headersTimeoutMs: o.headerTimeoutMs ?? envNumber(ctx.env, 'IMSTATS_HEADER_TIMEOUT_MS', positiveInt),
    requestTimeoutMs: o.requestTimeoutMs ?? envNumber(ctx.env, 'IMSTATS_REQUEST_TIMEOUT_MS', positiveInt),
    keepAliveTimeoutMs: o.keepAliveTimeoutMs ?? envNumber(ctx.env, 'IMSTATS_KEEP_ALIVE_TIMEOUT_MS', positiveInt),
    maxConnections: o.maxConnections ?? envNumber(ctx.env, 'IMSTATS_MAX_CONNECTIONS', positiveInt),
    maxConnectionsPerClient: o.maxConnectionsPerClient ?? envNumber(ctx.env, 'IMSTATS_MAX_CONNECTIONS_PER_CLIENT', positiveInt),
  };
  if ((front.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS) > (front.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS)) {
    throw new CliError('--header-timeout-ms must not exceed --request-timeout-ms');
  }
  const fileLimit = openFileLimit();
  const wanted = front.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  if (fileLimit !== undefined && connectionCapFor(wanted, fileLimit) < wanted) {
    ctx.io.err(`imstats: the open-file limit is ${fileLimit}; connections are capped at ${connectionCapFor(wanted, fileLimit)} (raise it with ulimit -n or LimitNOFILE= to ${wanted + RESERVED_FILE_DESCRIPTORS})\n`);
  }
  const metricsOn = o.metrics === true || ctx.env.IMSTATS_METRICS === '1' || ctx.env.IMSTATS_METRICS === 'true';
  const metricsAllow = parseTrustProxy(o.metricsAllow ?? ctx.env.IMSTATS_METRICS_ALLOW, '--metrics-allow');
  const metricsApps = o.metricsApps ?? envNumber(ctx.env, 'IMSTATS_METRICS_APPS', positiveInt);
  if (metricsApps !== undefined && metricsApps > MAX_METRICS_APPS) throw new CliError(`--metrics-apps: at most ${MAX_METRICS_APPS}, got ${metricsApps}`);
  if (!metricsOn && (metricsAllow !== undefined || metricsApps !== undefined)) throw new CliError('--metrics-allow and --metrics-apps need --metrics');
  const redisAt = redisUrl(ctx, o.redis);
  const redisTimeoutMs = o.redisTimeoutMs ?? envNumber(ctx.env, 'IMSTATS_REDIS_TIMEOUT_MS', positiveInt);
  const store = await openCliStore(ctx);
  // Connected before the app is built, so the first request already shares the limits (or knows it cannot).
  const cluster = redisAt === undefined
    ? undefined
    : await RedisCluster.connect({ url: redisAt, prefix: redisPrefix(ctx, o.redisPrefix), ...(redisTimeoutMs !== undefined ? { commandTimeoutMs: redisTimeoutMs } : {}), log: (line) => ctx.io.err(`imstats: ${line}\n`) });
  try {
    const demo = o.demo ? await ensureDemoApp(store, { io: ctx.io, nowMs: ctx.now(), users: o.demoUsers }) : undefined;
    if (demo && !demo.created) ctx.io.err(`demo app ${demo.app.sdkappid} found with data; reusing it\n`);
    if (demo?.ingested) {
      const s = demo.ingested;
      ctx.io.err(`demo data: ${s.accepted} events ingested in ${s.batches} batches${s.rejected ? `, ${s.rejected} rejected` : ''}\n`);
    }
    const app = buildApp({
      store,
      rateLimit: o.rateLimit,
      rateLimitWindowMs: o.rateLimitWindowMs,
      answerCacheTtlMs: o.answerCacheMs,
      callbackInboxLimit: o.inboxLimit,
      appCacheTtlMs: o.appCacheMs,
      ...(cluster ? { limitStore: cluster.limitStore, changes: cluster.changes } : {}),
      ...(metricsOn
        ? { metrics: { ...(metricsAllow ? { allow: metricsAllow } : {}), ...(metricsApps ? { apps: metricsApps } : {}), ...(cluster ? { redis: cluster.limitStore } : {}) } }
        : {}),
      nowMs: ctx.now,
      logger: o.log ?? false,
      logStream: { write: (line) => ctx.io.out(line) },
      tls: o.tlsCert && o.tlsKey ? { certFile: o.tlsCert, keyFile: o.tlsKey, alongsideHttp: tlsPort !== undefined } : undefined,
      ...(trustProxy ? { trustProxy } : {}),
      ...definedOnly(front),
      ...(front.maxConnections === undefined ? { maxConnections: connectionCapFor(wanted, fileLimit) } : {}),
    });
    try {
      // Installed only now: during demo set-up a signal should just end the process (batches are atomic and resumable).
      const signal = ctx.signal ?? processStopSignal();
      let tlsUrl: string | undefined;
      try {
        tlsUrl = (await listenAll(app, { host: o.host, port: listenPort, ...(tlsPort !== undefined ? { tlsPort } : {}) })).tlsUrl;
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'EADDRINUSE') {
          const busy = (err as { port?: number }).port;
          if (tlsPort !== undefined && busy === tlsPort && busy !== listenPort) throw new CliError(`port ${busy} is already in use; pick another with --tls-port N or IMSTATS_TLS_PORT`);
          throw new CliError(`port ${listenPort} is already in use; pick another with --port N or IMSTATS_PORT`);
        }
        if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAFNOSUPPORT') throw new CliError(`cannot listen on ${o.host}: ${(err as Error).message}`);
        if (code === 'EACCES') throw new CliError(`not allowed to listen on port ${listenPort}: ${(err as Error).message}`);
        throw err;
      }
      const scheme = o.tlsCert && tlsPort === undefined ? 'https' : 'http';
      const address = app.server.address() as AddressInfo;
      const clientUrl = `${scheme}://${clientHost(address.address)}:${address.port}`;
      const listening = `${scheme}://${hostInUrl(address.address)}:${address.port}`;
      const reach = listening === clientUrl ? '' : `, locally ${clientUrl}`;
      ctx.io.out(`imstats listening on ${listening} (database: ${store.description}${reach})\n`);
      if (tlsUrl) ctx.io.out(`imstats listening on ${tlsUrl} (HTTPS, the same service)\n`);
      if (demo) {
        const sig = makeUserSig({ sdkappid: demo.app.sdkappid, identifier: DEMO_ADMIN, key: demo.app.secretKey ?? '', nowSeconds: Math.floor(ctx.now() / 1000) });
        // A fresh read-only console token for the demo app at every start (tokens are shown once).
        const consoleToken = await new TokensRepo(store).create({ sdkappid: demo.app.sdkappid, name: 'demo console', now: ctx.now() });
        const query = `sdkappid=${demo.app.sdkappid}&identifier=${encodeURIComponent(DEMO_ADMIN)}&usersig=${encodeURIComponent(sig)}&random=99999999&contenttype=json`;
        ctx.io.out(
          [
            '',
            `SDKAppID:   ${demo.app.sdkappid}`,
            `admin:      ${DEMO_ADMIN}`,
            `UserSig:    ${sig}`,
            // SDKs sign their own UserSigs: they need the key (imstats app show N prints it for any app).
            `secret key: ${demo.app.secretKey ?? ''}`,
            '',
            'try it:',
            `curl -s '${clientUrl}/v4/openconfigsvr/getappinfo?${query}' -d '{}'`,
            '',
            `console:    ${clientUrl}/console/`,
            `token:      ${consoleToken.token}`,
            '',
          ].join('\n') + '\n',
        );
      }
      await aborted(signal);
      ctx.io.err('imstats: stopping\n');
    } finally {
      await app.close();
    }
  } finally {
    await cluster?.close();
    await store.close();
  }
}

/** A number from the environment, parsed like its option; undefined when unset. */
export function envNumber(env: Readonly<Record<string, string | undefined>>, name: string, parse: (value: string) => number): number | undefined {
  const value = env[name];
  if (value === undefined || value.trim() === '') return undefined;
  try {
    return parse(value);
  } catch (err) {
    throw new CliError(`${name}: ${(err as Error).message}`);
  }
}

/** `--trust-proxy` / IMSTATS_TRUST_PROXY: comma-separated addresses, CIDRs or proxy-addr's names, checked now. */
function parseTrustProxy(value: string | undefined, option = '--trust-proxy'): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const list = value.split(',').map((part) => part.trim()).filter((part) => part !== '');
  try {
    proxyAddr.compile(list);
  } catch (err) {
    throw new CliError(`${option}: ${(err as Error).message}; expected addresses or CIDRs such as 10.0.0.0/8,::1`);
  }
  return list;
}

function definedOnly<T extends Record<string, number | undefined>>(values: T): Partial<Record<keyof T, number>> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<Record<keyof T, number>>;
}

function envPort(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_PORT;
  try {
    return port(value);
  } catch {
    throw new CliError(`IMSTATS_PORT must be a port number from 0 to 65535, got ${JSON.stringify(value)}`);
  }
}

/** Where a client on this machine reaches a server bound to `address` (wildcards → loopback IPv4, which every client speaks). */
function clientHost(address: string): string {
  if (address === '::' || address === '0.0.0.0' || address === '::ffff:0.0.0.0') return '127.0.0.1';
  return hostInUrl(address);
}

function hostInUrl(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}
