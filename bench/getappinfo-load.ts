import autocannon from 'autocannon';
import type { LoadResult } from './bench-report.js';
import type { BenchChild } from './bench-child.js';
import { LatencyRecorder } from './latency-stats.js';

export const GETAPPINFO_PATH = '/v4/openconfigsvr/getappinfo';

/** The getappinfo path and query of one call, as Tencent's clients send it. */
export function getAppInfoPath(sdkappid: number, usersig: string, random = 12_345_678): string {
  const query = new URLSearchParams({ sdkappid: String(sdkappid), identifier: 'administrator', usersig, random: String(random), contenttype: 'json' });
  return `${GETAPPINFO_PATH}?${query}`;
}

/** A running server child and the URL it printed. */
export interface ServerUnderTest {
  readonly child: BenchChild;
  readonly url: string;
}

export interface LoadSpec {
  readonly label: string;
  readonly server: LoadResult['server'];
  readonly appsInStore: number;
  readonly appsCalled: number;
  readonly userSig: LoadResult['userSig'];
  /** One path for every request (autocannon builds the request once), or a path per request. */
  readonly path: string | (() => string);
  /** Size of a full answer body: anything under half of it is an error envelope. */
  readonly answerBytes: number;
  readonly durationS: number;
  readonly warmupS: number;
  readonly connections: number;
  /** Called after the run; the per-call case reports the UserSigs it sent. */
  readonly userSigs?: () => { readonly sent: number; readonly distinct: number };
}

/**
 * One autocannon run on loopback (after a discarded warm-up of the same requests): complete
 * answers per second and their latency, and the CPU each side used. The body is `{}`, the
 * default 30-day, 32-field answer.
 */
export async function runLoad(target: ServerUnderTest, spec: LoadSpec): Promise<LoadResult> {
  if (spec.warmupS > 0) await fire(target, spec, spec.warmupS, undefined);
  const latencies = new LatencyRecorder();
  const counts = { short: 0 };
  const serverCpu0 = target.child.cpuSeconds();
  const clientCpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await fire(target, spec, spec.durationS, (status, bytes, ms) => {
    if (status !== 200) return;
    // resBytes counts the head too, so a full answer is always above this.
    if (bytes < spec.answerBytes / 2) counts.short++;
    else latencies.record(ms);
  });
  const seconds = (performance.now() - t0) / 1000;
  const clientCpu = process.cpuUsage(clientCpu0);
  const summary = latencies.summary();
  return {
    label: spec.label,
    server: spec.server,
    appsInStore: spec.appsInStore,
    appsCalled: spec.appsCalled,
    userSig: spec.userSig,
    connections: spec.connections,
    durationS: seconds,
    requests: summary.count,
    rps: summary.count / seconds,
    meanMs: summary.meanMs,
    p50Ms: summary.p50Ms,
    p99Ms: summary.p99Ms,
    maxMs: summary.maxMs,
    shortAnswers: counts.short,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    answerBytes: spec.answerBytes,
    serverCores: (target.child.cpuSeconds() - serverCpu0) / seconds,
    clientCores: (clientCpu.user + clientCpu.system) / 1e6 / seconds,
    ...(spec.userSigs ? { userSigs: spec.userSigs() } : {}),
  };
}

function fire(
  target: ServerUnderTest,
  spec: LoadSpec,
  seconds: number,
  onResponse: ((status: number, bytes: number, ms: number) => void) | undefined,
): Promise<autocannon.Result> {
  const dynamic = typeof spec.path === 'function' ? spec.path : undefined;
  const options: autocannon.Options = {
    url: dynamic ? target.url : `${target.url}${spec.path as string}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    connections: spec.connections,
    pipelining: 1,
    duration: seconds,
    ...(dynamic ? { requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, path: dynamic() }) }] } : {}),
  };
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (err, result) => (err ? reject(err) : resolve(result)));
    if (onResponse) {
      (instance as unknown as NodeJS.EventEmitter).on('response', (_client: unknown, status: number, bytes: number, ms: number) =>
        onResponse(status, bytes, ms),
      );
    }
  });
}
