import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INGEST_NODE_FLAGS, missingNodeFlags } from './heap-limit.js';

test('ingest asks for a capped heap unless the process was given heap sizes; other commands need nothing', () => {
  assert.deepEqual(missingNodeFlags(['ingest', 'file.ndjson'], []), INGEST_NODE_FLAGS);
  assert.deepEqual(missingNodeFlags(['ingest', '-'], ['--max-old-space-size=1024']), []);
  assert.deepEqual(missingNodeFlags(['ingest', '-'], ['--max-semi-space-size=16']), []);
  assert.deepEqual(missingNodeFlags(['serve', '--demo'], []), []);
  assert.deepEqual(missingNodeFlags([], []), []);
});

const BIN = fileURLToPath(new URL('../../../bin/imstats.js', import.meta.url));
/** Bound of every wait below (the box may be loaded: generous, and never a measured duration). */
const WAIT_MS = 30_000;

/** Alive and not a zombie (a zombie has exited; only its parent has not collected it yet). */
function alive(pid: number): boolean {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
  } catch {
    return false;
  }
}

async function until(what: string, done: () => boolean): Promise<void> {
  for (const started = Date.now(); !done(); ) {
    if (Date.now() - started > WAIT_MS) throw new Error(`not within ${WAIT_MS} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * `imstats ingest -` through bin/imstats.js, reading a FIFO this process holds open for writing:
 * the input never ends, whatever becomes of the launcher (a pipe made by spawn would be closed
 * by node when the launcher exits, and the child would then end by itself at end of input).
 */
async function endlessIngest(t: { after: (fn: () => void) => void }): Promise<{ launcher: ChildProcess; child: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'imstats-launcher-'));
  const fifo = join(dir, 'events');
  execFileSync('mkfifo', [fifo]);
  // Read-write: opening a FIFO so never blocks on Linux, and this process stays a writer.
  const input = openSync(fifo, constants.O_RDWR);
  const launcher = spawn(process.execPath, [BIN, 'ingest', '-', '--db', 'sqlite::memory:'], { stdio: [input, 'ignore', 'ignore'] });
  let child = 0;
  t.after(() => {
    if (alive(child)) process.kill(child, 'SIGKILL');
    if (launcher.exitCode === null && launcher.signalCode === null) launcher.kill('SIGKILL');
    closeSync(input);
    rmSync(dir, { recursive: true, force: true });
  });
  // The child doing the work is the heap-capped one (its command line read once it has exec'd).
  await until('the launcher started its heap-capped child', () => {
    const children = readFileSync(`/proc/${launcher.pid}/task/${launcher.pid}/children`, 'utf8').trim();
    child = children ? Number(children.split(' ')[0]) : 0;
    return child > 0 && /--max-old-space-size=/.test(readFileSync(`/proc/${child}/cmdline`, 'utf8'));
  });
  return { launcher, child };
}

test('kill -9 of the launcher a user sees: the heap-capped ingest child goes too (issue 10)', { timeout: 3 * WAIT_MS }, async (t) => {
  const { launcher, child } = await endlessIngest(t);
  const exited = new Promise((resolve) => launcher.once('exit', resolve));
  // Without the launcher's watch the child would ingest on, an orphan, as long as input comes.
  launcher.kill('SIGKILL');
  await exited;
  await until('the child is gone after its launcher was killed', () => !alive(child));
});

test('SIGTERM to the launcher reaches the child, and the launcher ends by the same signal', { timeout: 3 * WAIT_MS }, async (t) => {
  const { launcher, child } = await endlessIngest(t);
  const exited = new Promise<NodeJS.Signals | null>((resolve) => launcher.once('exit', (_code, signal) => resolve(signal)));
  launcher.kill('SIGTERM');
  assert.equal(await exited, 'SIGTERM');
  await until('the child is gone', () => !alive(child));
});
