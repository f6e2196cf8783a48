// `node dist/bench/profile-summary.js FILE.cpuprofile [TOP]`: where the time of a `node --cpu-prof`
// profile went — top functions by self time, and self time per source file / package.
import { readFileSync } from 'node:fs';
import { formatTable } from './format-table.js';

/** The parts of Chrome's .cpuprofile format used here. */
export interface CpuProfile {
  readonly nodes: ReadonlyArray<{
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  }>;
  readonly samples: readonly number[];
  /** Microseconds since the previous sample; the first is since startTime. */
  readonly timeDeltas: readonly number[];
}

export interface SelfTime {
  readonly name: string;
  readonly ms: number;
  /** Share of all sampled time. */
  readonly share: number;
}

/** Where a frame's code lives: a package name, a project file under dist/ or src/, or node's own. */
export function sourceOf(url: string): string {
  if (url === '') return '(native/VM)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/(?:dist|src|\.build-[^/]+)\/(.+?)(?:\.js|\.ts)?$/.exec(url);
  if (own) return own[1]!;
  if (url.startsWith('node:')) return url;
  return url.slice(url.lastIndexOf('/') + 1);
}

/**
 * Self time per function (name, file, line) and per source, largest first. Each sample is
 * charged to the frame on top of the stack for the time until the next sample.
 */
export function summarizeProfile(profile: CpuProfile): { totalMs: number; functions: SelfTime[]; sources: SelfTime[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const fn = new Map<string, number>();
  const src = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    // A sample's time is the delta to the next one.
    const us = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(profile.samples[i]!);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const source = sourceOf(url);
    const name = `${functionName || '(anonymous)'} ${source}${url ? `:${lineNumber + 1}` : ''}`;
    fn.set(name, (fn.get(name) ?? 0) + us);
    src.set(source, (src.get(source) ?? 0) + us);
    total += us;
  }
  const list = (m: Map<string, number>) =>
    [...m].map(([name, us]) => ({ name, ms: us / 1000, share: total ? us / total : 0 })).sort((a, b) => b.ms - a.ms);
  return { totalMs: total / 1000, functions: list(fn), sources: list(src) };
}

if (process.argv[1]?.endsWith('profile-summary.js')) {
  const [file, top = '25'] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node dist/bench/profile-summary.js FILE.cpuprofile [TOP]');
    process.exit(2);
  }
  const s = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  const rows = (list: SelfTime[]) => list.slice(0, Number(top)).map((t) => [t.name, `${t.ms.toFixed(0)} ms`, `${(t.share * 100).toFixed(1)}%`]);
  const cols = [{ header: 'self time' }, { header: 'ms', align: 'right' as const }, { header: 'share', align: 'right' as const }];
  console.log(`${file}: ${s.totalMs.toFixed(0)} ms sampled\n\nBy function\n${formatTable(cols, rows(s.functions))}\n\nBy source\n${formatTable(cols, rows(s.sources))}`);
}
