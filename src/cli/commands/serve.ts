import { access } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { buildApp, DEFAULT_RATE_LIMIT } from '../../server/build-app.js';
import { DEFAULT_ANSWER_CACHE_TTL_MS } from '../../rest/answer-cache.js';
import { DEFAULT_PORT, listen } from '../../server/listen.js';
import { makeUserSig } from '../../usersig/index.js';
import type { CliContext } from '../cli-io.js';
import { CliError } from '../cli-error.js';
import { databaseOption, openCliStore } from '../database-option.js';
import { DEFAULT_DEMO_USERS, DEMO_ADMIN, ensureDemoApp } from '../demo-app.js';
import { port, positiveInt, wholeNumber } from '../parse-args.js';

interface Options {
  readonly port?: number;
  readonly host?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly rateLimit: number;
  readonly answerCacheMs: number;
  readonly demo?: boolean;
  readonly demoUsers: number;
  readonly log?: boolean;
  readonly db?: string;
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
    .option('--rate-limit <n>', 'getappinfo calls per second per SDKAppID', positiveInt, DEFAULT_RATE_LIMIT)
    .option('--answer-cache-ms <n>', "serve a getappinfo answer this long without checking whether the app's data changed (0: check every call)", wholeNumber, DEFAULT_ANSWER_CACHE_TTL_MS)
    .option('--demo', 'create a demo app with 30 simulated days on first start (reused later) and print how to call it')
    .option('--demo-users <n>', 'users of the simulated demo app', positiveInt, DEFAULT_DEMO_USERS)
    .option('--log', 'log requests as JSON lines on stdout (UserSigs redacted)')
    .addOption(databaseOption())
    .action((o: Options) => serve(ctx, o));
}

async function serve(ctx: CliContext, o: Options): Promise<void> {
  const listenPort = o.port ?? envPort(ctx.env.IMSTATS_PORT);
  if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) throw new CliError('--tls-cert and --tls-key must be given together');
  for (const file of [o.tlsCert, o.tlsKey]) {
    if (file !== undefined) await access(file).catch(() => Promise.reject(new CliError(`cannot read ${JSON.stringify(file)}`)));
  }
  const store = await openCliStore(ctx, o.db);
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
      answerCacheTtlMs: o.answerCacheMs,
      nowMs: ctx.now,
      logger: o.log ?? false,
      logStream: { write: (line) => ctx.io.out(line) },
      tls: o.tlsCert && o.tlsKey ? { certFile: o.tlsCert, keyFile: o.tlsKey } : undefined,
    });
    try {
      // Installed only now: during demo set-up a signal should just end the process (batches are atomic and resumable).
      const signal = ctx.signal ?? processStopSignal();
      try {
        await listen(app, { host: o.host, port: listenPort });
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'EADDRINUSE') throw new CliError(`port ${listenPort} is already in use; pick another with --port N or IMSTATS_PORT`);
        if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAFNOSUPPORT') throw new CliError(`cannot listen on ${o.host}: ${(err as Error).message}`);
        if (code === 'EACCES') throw new CliError(`not allowed to listen on port ${listenPort}: ${(err as Error).message}`);
        throw err;
      }
      const scheme = o.tlsCert ? 'https' : 'http';
      const address = app.server.address() as AddressInfo;
      const clientUrl = `${scheme}://${clientHost(address.address)}:${address.port}`;
      const listening = `${scheme}://${hostInUrl(address.address)}:${address.port}`;
      const reach = listening === clientUrl ? '' : `, locally ${clientUrl}`;
      ctx.io.out(`imstats listening on ${listening} (database: ${store.description}${reach})\n`);
      if (demo) {
        const sig = makeUserSig({ sdkappid: demo.app.sdkappid, identifier: DEMO_ADMIN, key: demo.app.secretKey ?? '', nowSeconds: Math.floor(ctx.now() / 1000) });
        const query = `sdkappid=${demo.app.sdkappid}&identifier=${encodeURIComponent(DEMO_ADMIN)}&usersig=${encodeURIComponent(sig)}&random=99999999&contenttype=json`;
        ctx.io.out(
          [
            '',
            `SDKAppID:   ${demo.app.sdkappid}`,
            `admin:      ${DEMO_ADMIN}`,
            `UserSig:    ${sig}`,
            '',
            'try it:',
            `curl -s '${clientUrl}/v4/openconfigsvr/getappinfo?${query}' -d '{}'`,
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
    await store.close();
  }
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

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** Aborted on the first SIGINT or SIGTERM, so the server closes its connections and the database cleanly. */
function processStopSignal(): AbortSignal {
  const stop = new AbortController();
  const onSignal = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return stop.signal;
}
