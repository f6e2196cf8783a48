import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadResult } from './bench-report.js';
import { Child } from '../test/support/child.js';
import type { LoadChildResult, LoadChildSpec } from './load-child.js';
import { findWrk, runWrk, WRK_THREADS } from './wrk-load.js';

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
  /** One path for every request (the load generator builds the request once), or paths sent in turn. */
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

/**
 * The load generator of every run: wrk (C, one thread) when it is on the PATH, else autocannon
 * (Node). autocannon spends about a core on 10,000 req/s of 25 KB answers, so on this kind of
 * machine it measures itself, not a server faster than that. IMSTATS_BENCH_LOAD=autocannon forces it.
 */
export interface LoadGenerator {
  readonly name: LoadResult['generator'];
  /** How it is run, for the report's notes. */
  readonly description: string;
}

const wrk = process.env.IMSTATS_BENCH_LOAD === 'autocannon' ? undefined : findWrk();
export const LOAD_GENERATOR: LoadGenerator = wrk
  ? { name: 'wrk', description: `${wrk.version.split(' Copyright')[0]!}, ${WRK_THREADS} thread, a Lua script (bench/wrk-script.ts) rotating over paths and checking answers` }
  : { name: 'autocannon', description: `autocannon (${process.env.IMSTATS_BENCH_LOAD === 'autocannon' ? 'IMSTATS_BENCH_LOAD=autocannon' : 'wrk not found on the PATH'}): client-bound, about a core for 10,000 req/s of these answers, so fast servers all look alike` };

let runs = 0;

/** A full-size body is never under half the answer's size; an error envelope always is. */
const minBodyBytes = (answerBytes: number) => Math.floor(answerBytes / 2);

/**
 * Calls every path once (32 at a time), so a run rotating over many apps starts from the steady
 * state (LoadChildSpec.warmEachPath). From this process: it is set-up, not measured.
 */
async function primePaths(url: string, paths: readonly string[], connections: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const res = await fetch(`${url}${paths[next++]!}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
}

/**
 * One measured run against `target` with the machine's load generator (LOAD_GENERATOR): wrk when
 * installed, autocannon otherwise. The request is always the same `{}` body.
 */
export function runLoad(target: ServerUnderTest, spec: LoadSpec): Promise<LoadResult> {
  return LOAD_GENERATOR.name === 'wrk' ? runWrkLoad(target, spec) : runAutocannonLoad(target, spec);
}

/**
 * Share by which the measured run's bytes per answer may fall short of the warm-up's before
 * answers are counted as short: rows rotating over apps mix answers of slightly different sizes.
 */
export const BYTES_TOLERANCE = 0.002;

/**
 * At most how many answers of a measured run without a response() hook were short, from its byte
 * count against the warm-up's bytes per answer (every warm-up answer checked complete): a short
 * answer's body is under half a full one, so each lacks at least about half an answer's bytes,
 * and the missing bytes are charged at that rate (never fewer short answers than there were).
 * Within BYTES_TOLERANCE, none.
 */
export function shortByBytes(run: { readonly responses: number; readonly bytes: number }, bytesPerAnswer: number): number {
  const deficit = run.responses * bytesPerAnswer - run.bytes;
  if (deficit <= BYTES_TOLERANCE * run.responses * bytesPerAnswer) return 0;
  return Math.min(run.responses, Math.ceil(deficit / (bytesPerAnswer / 2)));
}

/**
 * wrk in its own process (pinned to LOAD_CPU for a pinned run): a warm-up run whose every answer
 * is checked (a Lua response() hook: status and body size), then the measured run, continuing
 * through the paths where the warm-up stopped (so a pool of per-call UserSigs is not sent twice)
 * without the hook, which would triple wrk's CPU per answer: its answers are checked by wrk's
 * count of status errors and by its bytes per answer against the warm-up's (shortByBytes).
 * Complete answers per second, wrk's latency histogram (microseconds), the server's CPU over the
 * measured run and wrk's own.
 */
async function runWrkLoad(target: ServerUnderTest, spec: LoadSpec): Promise<LoadResult> {
  const n = runs++;
  let pathsFile: string | undefined;
  if (typeof spec.path !== 'string') {
    pathsFile = join(spec.workDir, `load-${n}.paths`);
    writeFileSync(pathsFile, `${spec.path.join('\n')}\n`);
    if (spec.warmEachPath) await primePaths(target.url, spec.path, spec.connections);
  }
  const cpu = spec.placement === 'pinned' ? LOAD_CPU : undefined;
  const base = { url: target.url, path: typeof spec.path === 'string' ? spec.path : '', connections: spec.connections, workDir: spec.workDir, ...(cpu !== undefined ? { cpu } : {}) };
  const script = { minBodyBytes: minBodyBytes(spec.answerBytes), ...(pathsFile ? { pathsFile } : {}) };
  const warm = await runWrk({ ...base, seconds: Math.max(1, spec.warmupS), script });
  const warmComplete = warm.responses - warm.short - warm.non2xx;
  let serverCpu0 = Number.NaN;
  const run = await runWrk({ ...base, seconds: spec.durationS, script: { ...script, firstPath: warm.sent }, countEach: false, onStart: () => (serverCpu0 = target.child.cpuSeconds()) });
  const serverSeconds = target.child.cpuSeconds() - serverCpu0;
  // With incomplete warm-up answers there is no clean yardstick: every measured answer is suspect.
  const short = warmComplete === warm.responses && warm.responses > 0 ? shortByBytes(run, warm.bytes / warm.responses) : run.responses - run.statusErrors;
  const complete = Math.max(0, run.responses - run.statusErrors - short);
  const sent = warm.sent + run.sent;
  return {
    label: spec.label,
    server: spec.server,
    placement: spec.placement,
    generator: 'wrk',
    appsInStore: spec.appsInStore,
    appsCalled: spec.appsCalled,
    userSig: spec.userSig,
    connections: spec.connections,
    durationS: run.seconds,
    requests: complete,
    rps: complete / run.seconds,
    meanMs: run.meanUs / 1000,
    p50Ms: run.p50Us / 1000,
    p99Ms: run.p99Us / 1000,
    maxMs: run.maxUs / 1000,
    shortAnswers: short,
    non2xx: run.statusErrors,
    errors: run.errors,
    answerBytes: spec.answerBytes,
    serverCores: serverSeconds / run.seconds,
    clientCores: run.cpuSeconds / run.seconds,
    sample: { answers: warm.responses, short: warm.short, non2xx: warm.non2xx, errors: warm.errors },
    ...(pathsFile && spec.userSig === 'per call' ? { userSigs: { sent, distinct: Math.min(sent, run.distinct) } } : {}),
  };
}

/**
 * One autocannon run on loopback from a separate load-generator process (load-child.ts), after a
 * discarded warm-up of the same requests: complete answers per second and their latency, and the
 * CPU each side used. The body is `{}`, the default 30-day, 32-field answer.
 */
async function runAutocannonLoad(target: ServerUnderTest, spec: LoadSpec): Promise<LoadResult> {
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
    generator: 'autocannon',
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
