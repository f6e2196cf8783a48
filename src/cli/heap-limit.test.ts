import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INGEST_NODE_FLAGS, missingNodeFlags } from './heap-limit.js';

test('ingest asks for a capped heap unless the process already has one; other commands need nothing', () => {
  assert.deepEqual(missingNodeFlags(['ingest', 'file.ndjson'], []), INGEST_NODE_FLAGS);
  assert.deepEqual(missingNodeFlags(['ingest', '-'], ['--max-old-space-size=1024']), []);
  assert.deepEqual(missingNodeFlags(['serve', '--demo'], []), []);
  assert.deepEqual(missingNodeFlags([], []), []);
});

test('kill -9 of the launcher a user sees: the heap-capped ingest child goes too (issue 10)', { timeout: 30_000 }, async () => {
  const { spawn } = await import('node:child_process');
  const { readFileSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const bin = fileURLToPath(new URL('../../../bin/imstats.js', import.meta.url));
  // Reads standard input that never ends: without the fix the child would wait (and then import) forever.
  const launcher = spawn(process.execPath, [bin, 'ingest', '-', '--db', 'sqlite::memory:'], { stdio: ['pipe', 'ignore', 'ignore'] });
  const childPid = async (): Promise<number> => {
    for (let i = 0; i < 200; i++) {
      const children = readFileSync(`/proc/${launcher.pid}/task/${launcher.pid}/children`, 'utf8').trim();
      if (children) return Number(children.split(' ')[0]);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the launcher started no child');
  };
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
    } catch {
      return false;
    }
  };
  const pid = await childPid();
  assert.equal(alive(pid), true);
  launcher.kill('SIGKILL');
  let gone = false;
  for (let i = 0; i < 200 && !(gone = !alive(pid)); i++) await new Promise((r) => setTimeout(r, 50));
  if (!gone) process.kill(pid, 'SIGKILL');
  launcher.stdin!.destroy();
  assert.equal(gone, true, 'the child outlived its launcher');
});
