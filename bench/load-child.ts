// The load generator in its own process, so it can be pinned to a core of its own (taskset) and
// never shares an event loop or a core with the server it measures. Reads a LoadChildSpec (JSON
// file), runs a discarded warm-up and then the measured run, prints `result {json}` (LoadChildResult).
//   node load-child.js SPEC_FILE
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { LatencyRecorder, type LatencySummary } from './latency-stats.js';

/** What the parent asks for; paths come one per line from `pathsFile` when they vary per request. */
export interface LoadChildSpec {
  /** Server origin, e.g. http://127.0.0.1:1234. */
  readonly url: string;
  /** One path for every request (autocannon builds the request once), or… */
  readonly path?: string;
  /** …a file of paths, one per line, sent in turn (a shared counter, so connections do not walk them in step). */
  readonly pathsFile?: string;
  readonly durationS: number;
  readonly warmupS: number;
  readonly connections: number;
  /** Size of a full answer body: a 200 under half of it is an error envelope, counted as short. */
  readonly answerBytes: number;
  /**
   * Send every path of `pathsFile` once before the warm-up, so a run rotating over many apps
   * measures the steady state (each app's UserSig verified and app read once) however slowly the
   * loaded machine gets through the first round. Never for the UserSig-per-call pool.
   */
  readonly warmEachPath?: boolean;
}

export interface LoadChildResult {
  readonly seconds: number;
  readonly latency: LatencySummary;
  readonly shortAnswers: number;
  readonly non2xx: number;
  readonly errors: number;
  /** CPU the load generator used during the measured run, in cores. */
  readonly clientCores: number;
  /** Requests built from `pathsFile` (warm-up included) and how many distinct paths it holds. */
  readonly pathsSent?: number;
  readonly pathsDistinct?: number;
}

function fire(
  spec: LoadChildSpec,
  seconds: number | { readonly amount: number },
  nextPath: (() => string) | undefined,
  onResponse: ((status: number, bytes: number, ms: number) => void) | undefined,
): Promise<autocannon.Result> {
  const options: autocannon.Options = {
    url: nextPath ? spec.url : `${spec.url}${spec.path!}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    connections: spec.connections,
    pipelining: 1,
    ...(typeof seconds === 'number' ? { duration: seconds } : { amount: seconds.amount }),
    ...(nextPath ? { requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, path: nextPath() }) }] } : {}),
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

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadChildSpec;
const paths = spec.pathsFile ? readFileSync(spec.pathsFile, 'utf8').split('\n').filter((p) => p.length > 0) : undefined;
let sent = 0;
const nextPath = paths ? () => paths[sent++ % paths.length]! : undefined;

if (paths && spec.warmEachPath) await fire(spec, { amount: Math.max(paths.length, spec.connections) }, nextPath, undefined);
if (spec.warmupS > 0) await fire(spec, spec.warmupS, nextPath, undefined);
const latencies = new LatencyRecorder();
let short = 0;
// The parent samples the server's CPU time from here to the result line.
process.stdout.write('measuring\n');
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const run = await fire(spec, spec.durationS, nextPath, (status, bytes, ms) => {
  if (status !== 200) return;
  // resBytes counts the head too, so a full answer is always above this.
  if (bytes < spec.answerBytes / 2) short++;
  else latencies.record(ms);
});
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const result: LoadChildResult = {
  seconds,
  latency: latencies.summary(),
  shortAnswers: short,
  non2xx: run.non2xx,
  errors: run.errors + run.timeouts,
  clientCores: (cpu.user + cpu.system) / 1e6 / seconds,
  ...(paths ? { pathsSent: sent, pathsDistinct: paths.length } : {}),
};
process.stdout.write(`result ${JSON.stringify(result)}\n`);
