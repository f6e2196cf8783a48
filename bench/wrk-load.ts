import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { wrkScript, wrkScriptArgs, type WrkRequest, type WrkScriptArgs, type WrkScriptResult } from './wrk-script.js';

/** wrk threads of every run: one (its event loop on the load generator's one core). */
export const WRK_THREADS = 1;

/** The wrk on the PATH and its version line, or undefined when there is none. */
export function findWrk(): { readonly command: string; readonly version: string } | undefined {
  // `wrk -v` prints its version and usage and exits 1; a missing binary is an error (ENOENT).
  const probe = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
  if (probe.error) return undefined;
  const version = `${probe.stdout}${probe.stderr}`.split('\n')[0]!.trim();
  return /^wrk /.test(version) ? { command: 'wrk', version } : undefined;
}

export interface WrkRunSpec {
  /** Origin, e.g. http://127.0.0.1:1234. */
  readonly url: string;
  /** The one path of a fixed run (ignored when the script args name a paths file). */
  readonly path: string;
  readonly script: WrkScriptArgs;
  /** Body and extra headers of every request; default `{}`, none. */
  readonly request?: WrkRequest;
  /** Count short and non-2xx answers one by one (a response() hook; costs wrk CPU); default true. */
  readonly countEach?: boolean;
  readonly seconds: number;
  readonly connections: number;
  /** Pins wrk to this core with taskset -c; unpinned when undefined. */
  readonly cpu?: number;
  /** Folder for the script file. */
  readonly workDir: string;
  /** Called once wrk has read its script and paths (init done), just before it connects. */
  readonly onStart?: () => void;
}

let scripts = 0;

/**
 * One wrk run: `wrk -t1 -cN -dS --timeout 10s -s script URL -- args`, optionally under taskset.
 * Resolves with the script's result line; rejects when wrk fails or prints none.
 */
export function runWrk(spec: WrkRunSpec): Promise<WrkScriptResult> {
  const rotating = spec.script.pathsFile !== undefined;
  const scriptFile = join(spec.workDir, `wrk-${scripts++}.lua`);
  writeFileSync(scriptFile, wrkScript(rotating, spec.countEach ?? true, spec.request));
  const wrk = ['wrk', '-t', String(WRK_THREADS), '-c', String(spec.connections), '-d', `${Math.max(1, Math.round(spec.seconds))}s`, '--timeout', '10s', '-s', scriptFile, `${spec.url}${rotating ? '/' : spec.path}`, '--', ...wrkScriptArgs(spec.script)];
  const [command, ...args] = spec.cpu === undefined ? wrk : ['taskset', '-c', String(spec.cpu), ...wrk];
  return new Promise((resolve, reject) => {
    const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let started = false;
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      // The script's init() prints (and flushes) this just before wrk connects.
      if (!started && out.includes('measuring\n')) {
        started = true;
        spec.onStart?.();
      }
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.once('error', reject);
    child.once('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('result '));
      if (code !== 0 || line === undefined) {
        reject(new Error(`wrk failed (exit ${code}): ${err.trim() || out.trim()}`));
        return;
      }
      resolve(JSON.parse(line.slice('result '.length)) as WrkScriptResult);
    });
  });
}
