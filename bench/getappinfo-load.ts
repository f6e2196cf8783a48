import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadResult } from './bench-report.js';
import { Child } from '../test/support/child.js';
import type { LoadChildResult, LoadChildSpec } from './load-child.js';

export const GETAPPINFO_PATH = '/v4/openconfigsvr/getappinfo';

/** The getappinfo path and query of one call, as Tencent's clients send it. */
export function getAppInfoPath(sdkappid: number, usersig: string, random = 12_345_678): string {
  const query = new URLSearchParams({ sdkappid: String(sdkappid), identifier: 'administrator', usersig, random: String(random), contenttype: 'json' });
  return `${GETAPPINFO_PATH}?${query}`;
}

/** A running server child and the URL it printed. */
export interface ServerUnderTest {
  readonly child: Child;
  readonly url: string;
}

/**
 * Where the two processes run: `pinned` puts the server on core 0 and the load generator on
 * core 1 (taskset), one core each and nothing shared; `unpinned` lets the scheduler place both
 * (the server's GC and libuv threads may then borrow the load generator's core).
 */
export type Placement = 'pinned' | 'unpinned';
/** Cores of a pinned run. */
export const SERVER_CPU = 0;
export const LOAD_CPU = 1;

export interface LoadSpec {
  readonly label: string;
  readonly server: LoadResult['server'];
  readonly placement: Placement;
  readonly appsInStore: number;
  readonly appsCalled: number;
  readonly userSig: LoadResult['userSig'];
  /** One path for every request (autocannon builds the request once), or paths sent in turn. */
  readonly path: string | readonly string[];
  /** Size of a full answer body: anything under half of it is an error envelope. */
  readonly answerBytes: number;
  readonly durationS: number;
  readonly warmupS: number;
  readonly connections: number;
  /** Folder for the load child's spec and paths files. */
  readonly workDir: string;
  /** Call every path once before the warm-up (LoadChildSpec.warmEachPath). */
  readonly warmEachPath?: boolean;
}

let runs = 0;

/**
 * One autocannon run on loopback from a separate load-generator process (load-child.ts), after a
 * discarded warm-up of the same requests: complete answers per second and their latency, and the
 * CPU each side used. The body is `{}`, the default 30-day, 32-field answer.
 */
export async function runLoad(target: ServerUnderTest, spec: LoadSpec): Promise<LoadResult> {
  const n = runs++;
  const specFile = join(spec.workDir, `load-${n}.json`);
  let pathsFile: string | undefined;
  if (typeof spec.path !== 'string') {
    pathsFile = join(spec.workDir, `load-${n}.paths`);
    writeFileSync(pathsFile, `${spec.path.join('\n')}\n`);
  }
  const childSpec: LoadChildSpec = {
    url: target.url,
    ...(pathsFile ? { pathsFile } : { path: spec.path as string }),
    durationS: spec.durationS,
    warmupS: spec.warmupS,
    connections: spec.connections,
    answerBytes: spec.answerBytes,
    ...(spec.warmEachPath ? { warmEachPath: true } : {}),
  };
  writeFileSync(specFile, JSON.stringify(childSpec));
  const load = new Child(new URL('./load-child.js', import.meta.url), [specFile], { cpu: spec.placement === 'pinned' ? LOAD_CPU : undefined });
  let result: LoadChildResult;
  let serverSeconds: number;
  try {
    await load.waitFor('measuring');
    const serverCpu0 = target.child.cpuSeconds();
    result = JSON.parse(await load.waitFor('result ')) as LoadChildResult;
    serverSeconds = target.child.cpuSeconds() - serverCpu0;
  } finally {
    await load.stop();
  }
  const summary = result.latency;
  return {
    label: spec.label,
    server: spec.server,
    placement: spec.placement,
    appsInStore: spec.appsInStore,
    appsCalled: spec.appsCalled,
    userSig: spec.userSig,
    connections: spec.connections,
    durationS: result.seconds,
    requests: summary.count,
    rps: summary.count / result.seconds,
    meanMs: summary.meanMs,
    p50Ms: summary.p50Ms,
    p99Ms: summary.p99Ms,
    maxMs: summary.maxMs,
    shortAnswers: result.shortAnswers,
    non2xx: result.non2xx,
    errors: result.errors,
    answerBytes: spec.answerBytes,
    serverCores: serverSeconds / result.seconds,
    clientCores: result.clientCores,
    ...(result.pathsSent !== undefined && spec.userSig === 'per call' ? { userSigs: { sent: result.pathsSent, distinct: Math.min(result.pathsSent, result.pathsDistinct!) } } : {}),
  };
}
