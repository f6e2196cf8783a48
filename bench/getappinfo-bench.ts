import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeUserSig } from '../src/usersig/index.js';
import { openStore } from '../src/store/store.js';
import { BenchChild } from './bench-child.js';
import type { LoadResult } from './bench-report.js';
import { getAppInfoPath, runLoad, type LoadSpec, type ServerUnderTest } from './getappinfo-load.js';
import { seedApps, type SeededApp } from './seed-apps.js';

export interface GetAppInfoBenchOptions {
  /** Temporary folder for the databases and the plain server's body. */
  readonly workDir: string;
  readonly durationS: number;
  readonly warmupS: number;
  /** autocannon connections (concurrent requests); 10 keeps both sides busy on two cores. */
  readonly connections: number;
  /** The server's frequency limit (calls per app per second). */
  readonly rateLimit: number;
  /** Run the side-by-side comparisons (plain server, UserSig reuse, 1,000 apps). */
  readonly main: boolean;
  /** App counts of the scaling series (each a store of that many apps, calls rotating over all). */
  readonly scaleApps: readonly number[];
  /** Extra node flags for the server children (e.g. --cpu-prof). */
  readonly serverFlags?: readonly string[];
  readonly log: (line: string) => void;
}

export interface GetAppInfoBenchResult {
  readonly main?: { plain: LoadResult; reused: LoadResult; perCall: LoadResult; thousandApps: LoadResult };
  readonly scale: LoadResult[];
}

interface Answer {
  readonly body: Buffer;
  readonly contentType: string;
}

/** Calls once and checks it is the full answer: ErrorCode 0 and 30 days of 32 fields. */
async function fullAnswer(url: string): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const body = Buffer.from(await res.arrayBuffer());
  const envelope = JSON.parse(body.toString('utf8')) as { ErrorCode: number; ErrorInfo: string; Result?: Record<string, string>[] };
  if (res.status !== 200 || envelope.ErrorCode !== 0) throw new Error(`getappinfo failed: HTTP ${res.status} ${envelope.ErrorCode} ${envelope.ErrorInfo}`);
  if (envelope.Result?.length !== 30 || Object.keys(envelope.Result[0]!).length !== 32) {
    throw new Error(`getappinfo answered ${envelope.Result?.length} days, not the full 30-day, 32-field answer`);
  }
  return { body, contentType: res.headers.get('content-type') ?? '' };
}

async function startServer(args: readonly string[], flags: readonly string[] = []): Promise<ServerUnderTest> {
  const child = new BenchChild('./server-child.js', args, flags);
  const url = await child.waitFor('listening ');
  return { child, url };
}

async function seededStore(workDir: string, apps: number): Promise<{ dbUrl: string; apps: SeededApp[] }> {
  // A bare file path is the embedded database (store/database-url.ts).
  const dbUrl = join(workDir, `apps-${apps}.db`);
  const store = await openStore(dbUrl);
  try {
    return { dbUrl, apps: await seedApps(store, { apps }) };
  } finally {
    await store.close();
  }
}

const reusedSig = (app: SeededApp) => makeUserSig({ sdkappid: app.sdkappid, identifier: 'administrator', key: app.key, expireSeconds: 86_400 });

/**
 * getappinfo under autocannon load, the server in a child process: against a plain node:http
 * server sending the same bytes, with a UserSig reused or new per call, and across stores of
 * 1 … 10,000 apps.
 */
export async function benchGetAppInfo(o: GetAppInfoBenchOptions): Promise<GetAppInfoBenchResult> {
  const common = { durationS: o.durationS, warmupS: o.warmupS, connections: o.connections };
  const serve = (dbUrl: string) => startServer(['imstats', dbUrl, String(o.rateLimit)], o.serverFlags);
  let main: GetAppInfoBenchResult['main'];
  const scale: LoadResult[] = [];
  const counts = [...new Set([...(o.main ? [1, 1000] : []), ...o.scaleApps])].sort((a, b) => a - b);

  for (const n of counts) {
    o.log(`getappinfo: seeding ${n.toLocaleString('en-US')} app(s) × 30 days`);
    const seeded = await seededStore(o.workDir, n);
    const sigs = seeded.apps.map(reusedSig);
    const paths = seeded.apps.map((app, i) => getAppInfoPath(app.sdkappid, sigs[i]!));
    const server = await serve(seeded.dbUrl);
    try {
      const answer = await fullAnswer(`${server.url}${paths[0]}`);
      const base = { ...common, server: 'imstats' as const, appsInStore: n, answerBytes: answer.body.length };

      if (n === 1 && o.main) {
        const bodyFile = join(o.workDir, 'answer.json');
        writeFileSync(bodyFile, answer.body);
        const plainServer = await startServer(['plain', bodyFile, answer.contentType]);
        let plain: LoadResult;
        try {
          const same = await fullAnswer(`${plainServer.url}${paths[0]}`);
          if (!same.body.equals(answer.body)) throw new Error('the plain server does not answer the same bytes');
          o.log('getappinfo: plain node:http server, same bytes from memory');
          plain = await runLoad(plainServer, { ...base, label: 'plain node:http, same bytes', server: 'plain', appsCalled: 1, userSig: 'none', path: paths[0]! });
        } finally {
          await plainServer.child.stop();
        }
        o.log('getappinfo: imstats, 1 app, UserSig reused');
        const reused = await runLoad(server, { ...base, label: 'imstats, UserSig reused', appsCalled: 1, userSig: 'reused', path: paths[0]! });
        const perCall = await perCallRun(server, seeded.apps[0]!, reused.rps, { ...base, appsCalled: 1 }, o.log);
        main = { plain, reused, perCall, thousandApps: undefined as unknown as LoadResult };
      }
      if (o.scaleApps.includes(n) || (n === 1000 && o.main)) {
        o.log(`getappinfo: imstats, calls rotating over ${n.toLocaleString('en-US')} app(s)`);
        let next = 0;
        const result = await runLoad(server, {
          ...base,
          label: `imstats, ${n.toLocaleString('en-US')} app${n === 1 ? '' : 's'} (calls rotate)`,
          appsCalled: n,
          userSig: 'reused',
          // A shared counter, so the connections do not walk the apps in step.
          path: () => paths[next++ % n]!,
        });
        if (o.scaleApps.includes(n)) scale.push(result);
        if (n === 1000 && main) main = { ...main, thousandApps: result };
      }
    } finally {
      await server.child.stop();
    }
  }
  return { main, scale };
}

/** A new UserSig on every call, from a pool made beforehand so signing costs the client nothing during the run. */
async function perCallRun(
  server: ServerUnderTest,
  app: SeededApp,
  reusedRps: number,
  base: Omit<LoadSpec, 'label' | 'userSig' | 'path' | 'userSigs'>,
  log: (line: string) => void,
): Promise<LoadResult> {
  // Room for the warm-up and the run at the reused rate and then some; a new sig costs more, so it is slower.
  const size = Math.ceil(reusedRps * (base.durationS + base.warmupS) * 1.3) + 1000;
  log(`getappinfo: signing ${size.toLocaleString('en-US')} distinct UserSigs`);
  const pool: string[] = [];
  for (let i = 0; i < size; i++) {
    // A different validity makes a different UserSig; all verify.
    const sig = makeUserSig({ sdkappid: app.sdkappid, identifier: 'administrator', key: app.key, expireSeconds: 86_400 + i });
    pool.push(getAppInfoPath(app.sdkappid, sig));
  }
  log('getappinfo: imstats, 1 app, new UserSig per call');
  let next = 0;
  // Warm-up and run share the pool, so no UserSig is sent twice unless the pool wraps.
  return runLoad(server, {
    ...base,
    label: 'imstats, new UserSig per call',
    userSig: 'per call',
    path: () => pool[next++ % size]!,
    userSigs: () => ({ sent: next, distinct: Math.min(next, size) }),
  });
}
