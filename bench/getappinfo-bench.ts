import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeUserSig } from '../src/usersig/index.js';
import { openStore } from '../src/store/store.js';
import { Child } from '../test/support/child.js';
import type { LoadResult } from './bench-report.js';
import { getAppInfoPath, runLoad, SERVER_CPU, type LoadSpec, type Placement, type ServerUnderTest } from './getappinfo-load.js';
import { seedApps, type SeededApp } from './seed-apps.js';

export interface GetAppInfoBenchOptions {
  /** Temporary folder for the databases, the plain server's body and the load child's files. */
  readonly workDir: string;
  readonly durationS: number;
  readonly warmupS: number;
  /** Load-generator connections (concurrent requests). */
  readonly connections: number;
  /** The server's frequency limit (calls per app per second). */
  readonly rateLimit: number;
  /** Run the side-by-side comparisons (plain server pinned and unpinned, UserSig per call, 1,000 and 10,000 apps). */
  readonly main: boolean;
  /** App counts of the scaling series (each a store of that many apps, calls rotating over all). */
  readonly scaleApps: readonly number[];
  /** Extra node flags for the server children (e.g. --cpu-prof). */
  readonly serverFlags?: readonly string[];
  readonly log: (line: string) => void;
}

export interface GetAppInfoMain {
  /** Pinned: server on core 0, load generator on core 1. */
  readonly plain: LoadResult;
  readonly reused: LoadResult;
  readonly perCall: LoadResult;
  /** 1,000 apps rotating: every answer in the answer cache. */
  readonly thousandApps: LoadResult;
  /** 10,000 apps rotating: beyond the answer cache (2,000), nearly every call computes its answer. */
  readonly uncached: LoadResult;
  /** The same plain and reused runs with nothing pinned. */
  readonly unpinned: { readonly plain: LoadResult; readonly reused: LoadResult };
}

export interface GetAppInfoBenchResult {
  readonly main?: GetAppInfoMain;
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

async function startServer(args: readonly string[], placement: Placement, flags: readonly string[] = []): Promise<ServerUnderTest> {
  const child = new Child(new URL('./server-child.js', import.meta.url), args, { nodeFlags: flags, cpu: placement === 'pinned' ? SERVER_CPU : undefined });
  const url = await child.waitFor('listening ');
  return { child, url };
}

async function withServer<T>(args: readonly string[], placement: Placement, flags: readonly string[], run: (server: ServerUnderTest) => Promise<T>): Promise<T> {
  const server = await startServer(args, placement, flags);
  try {
    return await run(server);
  } finally {
    await server.child.stop();
  }
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
const appsLabel = (n: number) => `${n.toLocaleString('en-US')} app${n === 1 ? '' : 's'} (calls rotate)`;

/**
 * getappinfo under load (wrk, else autocannon: getappinfo-load.ts), the server and the load generator each in a child process,
 * pinned to a core each (and, for comparison, not pinned): against a plain node:http server
 * sending the same bytes the same way, with a UserSig reused or new per call, and across stores
 * of 1 … 10,000 apps.
 */
export async function benchGetAppInfo(o: GetAppInfoBenchOptions): Promise<GetAppInfoBenchResult> {
  const common = { durationS: o.durationS, warmupS: o.warmupS, connections: o.connections, workDir: o.workDir };
  const imstatsArgs = (dbUrl: string) => ['imstats', dbUrl, String(o.rateLimit)];
  const flags = o.serverFlags ?? [];
  // Filled as the runs come in; assembled into GetAppInfoMain at the end.
  const got = new Map<'plain' | 'reused' | 'perCall' | 'thousandApps' | 'uncached' | 'unpinnedPlain' | 'unpinnedReused', LoadResult>();
  const scale: LoadResult[] = [];
  const counts = [...new Set([...(o.main ? [1, 1000, 10_000] : []), ...o.scaleApps])].sort((a, b) => a - b);

  for (const n of counts) {
    o.log(`getappinfo: seeding ${n.toLocaleString('en-US')} app(s) × 30 days`);
    const seeded = await seededStore(o.workDir, n);
    const sigs = seeded.apps.map(reusedSig);
    const paths = seeded.apps.map((app, i) => getAppInfoPath(app.sdkappid, sigs[i]!));

    if (n === 1 && o.main) {
      for (const placement of ['pinned', 'unpinned'] as const) {
        const answer = await withServer(imstatsArgs(seeded.dbUrl), placement, flags, async (server) => {
          const answer = await fullAnswer(`${server.url}${paths[0]}`);
          const base = { ...common, placement, server: 'imstats' as const, appsInStore: n, appsCalled: 1, answerBytes: answer.body.length };
          o.log(`getappinfo (${placement}): imstats, 1 app, UserSig reused`);
          const reused = await runLoad(server, { ...base, label: `imstats, UserSig reused (${placement})`, userSig: 'reused', path: paths[0]! });
          if (placement === 'pinned') {
            got.set('reused', reused);
            got.set('perCall', await perCallRun(server, seeded.apps[0]!, reused.rps, base, o.log));
          } else {
            got.set('unpinnedReused', reused);
          }
          return answer;
        });
        const bodyFile = join(o.workDir, 'answer.json');
        writeFileSync(bodyFile, answer.body);
        // The plain server runs without profiling flags: it is the yardstick, not the subject.
        await withServer(['plain', bodyFile, answer.contentType], placement, [], async (plainServer) => {
          const same = await fullAnswer(`${plainServer.url}${paths[0]}`);
          if (!same.body.equals(answer.body)) throw new Error('the plain server does not answer the same bytes');
          o.log(`getappinfo (${placement}): plain node:http server, same bytes from memory`);
          const plain = await runLoad(plainServer, {
            ...common,
            placement,
            label: `plain node:http, same bytes (${placement})`,
            server: 'plain',
            appsInStore: n,
            appsCalled: 1,
            answerBytes: answer.body.length,
            userSig: 'none',
            path: paths[0]!,
          });
          got.set(placement === 'pinned' ? 'plain' : 'unpinnedPlain', plain);
        });
      }
    }
    const rotating = o.scaleApps.includes(n) || (o.main && (n === 1000 || n === 10_000));
    if (rotating) {
      await withServer(imstatsArgs(seeded.dbUrl), 'pinned', flags, async (server) => {
        const answer = await fullAnswer(`${server.url}${paths[0]}`);
        o.log(`getappinfo (pinned): imstats, calls rotating over ${n.toLocaleString('en-US')} app(s)`);
        const result = await runLoad(server, {
          ...common,
          placement: 'pinned',
          server: 'imstats',
          appsInStore: n,
          answerBytes: answer.body.length,
          label: `imstats, ${appsLabel(n)}${n === 10_000 ? ', uncached' : ''}`,
          appsCalled: n,
          userSig: 'reused',
          path: paths,
          warmEachPath: true,
        });
        if (o.scaleApps.includes(n)) scale.push(result);
        if (o.main && n === 1000) got.set('thousandApps', result);
        if (o.main && n === 10_000) got.set('uncached', result);
      });
    }
  }
  if (!o.main) return { scale };
  const get = (name: Parameters<typeof got.get>[0]) => got.get(name)!;
  return {
    main: {
      plain: get('plain'),
      reused: get('reused'),
      perCall: get('perCall'),
      thousandApps: get('thousandApps'),
      uncached: get('uncached'),
      unpinned: { plain: get('unpinnedPlain'), reused: get('unpinnedReused') },
    },
    scale,
  };
}

/** A new UserSig on every call, from a pool made beforehand so signing costs the client nothing during the run. */
async function perCallRun(
  server: ServerUnderTest,
  app: SeededApp,
  reusedRps: number,
  base: Omit<LoadSpec, 'label' | 'userSig' | 'path'>,
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
  log('getappinfo (pinned): imstats, 1 app, new UserSig per call');
  // Warm-up and run share the pool, so no UserSig is sent twice unless the pool wraps.
  return runLoad(server, { ...base, label: 'imstats, new UserSig per call (pinned)', userSig: 'per call', path: pool });
}
