// A process killed (SIGKILL) in the middle of an ingest, then re-run on the same file, must end
// with exactly the numbers of one clean run: batches are atomic and their ids remembered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppsRepo } from '../store/apps-repo.js';
import { openStore } from '../store/store.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../../test/support/test-databases.js';
import { dayRange } from '../time/calendar-day.js';
import { dailyReport } from '../report/daily-report.js';
import { StatsRepo } from '../store/stats-repo.js';

const CHILD = fileURLToPath(new URL('../../test/support/ingest-file-child.js', import.meta.url));
const APP = 1400000077;
const NOW = Date.parse('2024-06-20T12:00:00Z');
const BATCH_LINES = 150;

/** A deterministic mixed stream over five days (a linear congruential generator keeps it reproducible). */
function eventsFile(): string {
  let seed = 12345;
  // The high bits: an LCG's low bits repeat with a short period.
  const rand = (n: number) => Math.floor((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 65536) % n;
  let time = Date.parse('2024-06-10T00:00:00+08:00');
  const lines: string[] = [];
  for (let i = 0; i < 6000; i++) {
    time += rand(90_000);
    const user = `u${rand(40)}`;
    const peer = `u${rand(40)}`;
    const group = `g${rand(5)}`;
    const kinds = [
      { type: 'user.login', user, platform: ['iOS', 'Web'][rand(2)] },
      { type: 'user.logout', user, platform: ['iOS', 'Web'][rand(2)] },
      { type: 'msg.c2c', from: user, to: peer },
      { type: 'msg.group', from: user, group },
      { type: 'group.join', group, user },
      { type: 'group.quit', group, user },
      { type: 'user.register', user },
      { type: 'callback', command: 'c', answered: rand(10) > 0 },
    ];
    lines.push(JSON.stringify({ ...kinds[rand(kinds.length)], time, sdkappid: APP }));
  }
  return lines.join('\n') + '\n';
}

function runChild(db: TestDatabase, file: string, killAfterBatches?: number): Promise<{ batches: number; killed: boolean; skippedBatches?: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, db.url, file, String(BATCH_LINES), String(NOW)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let batches = 0;
    let killed = false;
    let skippedBatches: number | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      batches += chunk.split('\n').filter((l) => l.startsWith('batch')).length;
      const done = /^done (.*)$/m.exec(chunk);
      if (done) skippedBatches = (JSON.parse(done[1]!) as { skippedBatches: number }).skippedBatches;
      if (killAfterBatches !== undefined && batches >= killAfterBatches && !killed) {
        killed = child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (!killed && code !== 0) reject(new Error(`ingest child failed: code ${code} signal ${signal}`));
      else resolve({ batches, killed, skippedBatches });
    });
  });
}

async function numbers(db: TestDatabase) {
  const store = await openStore(db.url);
  try {
    const app = await new AppsRepo(store).require(APP);
    return await dailyReport(new StatsRepo(store), app, { from: '20240609', to: '20240616' });
  } finally {
    await store.close();
  }
}

for (const kind of testDatabaseKinds()) {
  test(`kill -9 mid-ingest, re-run: the numbers of one clean run (${kind})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imstats-crash-'));
    const file = join(dir, 'events.ndjson');
    writeFileSync(file, eventsFile());
    const [clean, crashed] = [await createTestDatabase(kind), await createTestDatabase(kind)];
    try {
      for (const db of [clean, crashed]) {
        const store = await openStore(db.url);
        await new AppsRepo(store).create({ sdkappid: APP, name: 'crash', createdAt: Date.parse('2024-06-01T00:00:00Z') });
        await store.close();
      }
      await runChild(clean, file);
      const first = await runChild(crashed, file, 8);
      assert.equal(first.killed, true, 'the child was killed mid-run');
      const rerun = await runChild(crashed, file);
      assert.ok(rerun.skippedBatches! >= first.batches, `the re-run skipped the ${first.batches} committed batches`);
      const expected = await numbers(clean);
      assert.equal(expected.length, dayRange('20240609', '20240616').length);
      assert.ok(Number(expected.find((d) => d.Date === '20240611')!.UpMsgNum) > 0, 'the clean run counted messages');
      assert.deepEqual(await numbers(crashed), expected);
    } finally {
      await clean.drop();
      await crashed.drop();
    }
  });
}
