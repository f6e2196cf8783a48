// `npm run bench:callback-memory [-- --clients N] [-- --mib M]`: the server's peak RSS while N
// clients (default 30) post M MiB (default 16) callbacks at once (issue 11 item 3), in two cases:
// an unknown SdkAppid (refused from the URL, before a byte of body is read) and a real app
// without a callback token (bodies read, bounded by the 64 MiB callback body budget). The server
// runs alone in a child process (bench/server-child.ts), so its RSS is its own: the clients'
// buffers live in this process. RSS from /proc/<pid>/status (VmRSS before, VmHWM = peak; Linux).
// Prints a Markdown table and writes the figures to bench-results/callback-memory.json.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AppsRepo } from '../src/store/apps-repo.js';
import { openStore } from '../src/store/store.js';
import { makeUserSig } from '../src/usersig/index.js';
import { Child } from '../test/support/child.js';

const { values } = parseArgs({ options: { clients: { type: 'string', default: '30' }, mib: { type: 'string', default: '16' } } });
const CLIENTS = Number(values.clients);
const MIB = Number(values.mib);
if (!(Number.isInteger(CLIENTS) && CLIENTS > 0 && Number.isInteger(MIB) && MIB > 0 && MIB <= 16)) {
  console.error('usage: callback-memory.js [--clients N] [--mib 1..16]');
  process.exit(2);
}
const APP = 1_400_000_100;
const KEY = 'callback-memory-bench-key';
const UNKNOWN = 1_400_999_999;

interface Exchange {
  /** The ErrorCode answered, or how the exchange ended without an answer. */
  readonly outcome: string;
}

/** POSTs `body` and reads the answer; a connection the server closes after answering still counts its answer. */
function post(url: string, body: Buffer | string): Promise<Exchange> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: string) => {
      if (!settled) resolve({ outcome });
      settled = true;
    };
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        try {
          done(String((JSON.parse(text) as { ErrorCode: number }).ErrorCode));
        } catch {
          done(`HTTP ${res.statusCode}`);
        }
      });
      res.on('error', () => done(`HTTP ${res.statusCode}, cut`));
    });
    req.on('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
    req.end(body);
  });
}

/** A field of /proc/<pid>/status in MB (its kB / 1000), NaN when unreadable. */
function procStatusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1000 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

const tally = (xs: readonly Exchange[]) => {
  const counts = new Map<string, number>();
  for (const x of xs) counts.set(x.outcome, (counts.get(x.outcome) ?? 0) + 1);
  return Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)));
};

const workDir = mkdtempSync(join(tmpdir(), 'imstats-callback-memory-'));
const dbUrl = `sqlite:${join(workDir, 'imstats.db')}`;
const rows: Record<string, unknown>[] = [];
try {
  const store = await openStore(dbUrl);
  await new AppsRepo(store).create({ sdkappid: APP, name: 'Callback memory', secretKey: KEY, createdAt: Date.now() - 10 * 86_400_000 });
  await store.close();
  // A valid command, its body padded to the size: what a large offline-push batch weighs.
  const pad = MIB * 1024 * 1024 - 64;
  const body = Buffer.from(`{"CallbackCommand":"Push.OfflinePush","Pad":"${'x'.repeat(pad)}"}`);

  for (const [name, sdkappid] of [['unknown SdkAppid', UNKNOWN], ['app without a callback token', APP]] as const) {
    const child = new Child(new URL('./server-child.js', import.meta.url), ['imstats', dbUrl, '1000000']);
    try {
      const base = (await child.waitFor('listening ')).trim();
      const url = `${base}/v4/imstats/callback?SdkAppid=${sdkappid}&CallbackCommand=Push.OfflinePush&contenttype=json&ClientIP=127.0.0.1&OptPlatform=Web&RequestTime=${Math.floor(Date.now() / 1000)}&Sign=${'0'.repeat(64)}`;
      await post(url, '{}'); // warm the route up before the baseline
      const pid = child.process.pid!;
      const before = procStatusMb(pid, 'VmRSS');
      const started = Date.now();
      const answers = await Promise.all(Array.from({ length: CLIENTS }, () => post(url, body)));
      const seconds = (Date.now() - started) / 1000;
      const peak = procStatusMb(pid, 'VmHWM');
      const after = procStatusMb(pid, 'VmRSS');
      const sig = makeUserSig({ sdkappid: APP, identifier: 'administrator', key: KEY, nowSeconds: Math.floor(Date.now() / 1000) });
      const normal = await post(`${base}/v4/openconfigsvr/getappinfo?sdkappid=${APP}&identifier=administrator&usersig=${encodeURIComponent(sig)}&random=1&contenttype=json`, '{}');
      rows.push({ case: name, clients: CLIENTS, mib: MIB, answers: tally(answers), rssBeforeMb: before, peakRssMb: peak, rssAfterMb: after, seconds, getappinfoAfter: normal.outcome });
      process.stderr.write(`${name}: ${JSON.stringify(rows.at(-1))}\n`);
    } finally {
      await child.stop();
    }
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

const mb = (n: unknown) => (Number.isFinite(n) ? `${Math.round(n as number)} MB` : 'n/a');
console.log(`${CLIENTS} concurrent ${MIB} MiB callbacks, the server alone in a child process (Node ${process.version}, ${new Date().toISOString()})\n`);
console.log('| case | answers (ErrorCode: count) | RSS before | peak RSS | RSS after | getappinfo after |');
console.log('|---|---|--:|--:|--:|---|');
for (const r of rows) {
  const answers = Object.entries(r.answers as Record<string, number>).map(([k, v]) => `${k}: ${v}`).join(', ');
  console.log(`| ${String(r.case)} | ${answers} | ${mb(r.rssBeforeMb)} | ${mb(r.peakRssMb)} | ${mb(r.rssAfterMb)} | ${String(r.getappinfoAfter)} |`);
}
mkdirSync('bench-results', { recursive: true });
writeFileSync(join('bench-results', 'callback-memory.json'), `${JSON.stringify({ at: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`);
