import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { COUNTED_FIELDS } from '../catalog/fields.js';
import { simulateEvents, type SimulatedDay } from '../simulate/index.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../../test/support/test-databases.js';
import { runCaptured } from './run-captured.js';

const NOW = Date.UTC(2025, 0, 15, 4, 0, 0); // today is 20250115 in Asia/Shanghai and in Europe/Paris
const APP = 1400000003;

for (const kind of testDatabaseKinds()) {
  describe(`imstats simulate (${kind})`, () => {
    let database: TestDatabase;
    let dir: string;
    const cli = (...args: string[]) => runCaptured([...args, '--db', database.url], { now: () => NOW });

    before(async () => {
      database = await createTestDatabase(kind);
      dir = mkdtempSync(join(tmpdir(), 'imstats-sim-'));
    });
    after(async () => {
      rmSync(dir, { recursive: true, force: true });
      await database.drop();
    });

    test('writes NDJSON to stdout; the same seed gives the same bytes, another seed others', async () => {
      const args = ['simulate', '--sdkappid', String(APP), '--days', '2', '--users', '40', '--start', '20250112'];
      const first = await cli(...args, '--seed', '7');
      assert.equal(first.code, 0, first.stderr);
      const lines = first.stdout.trimEnd().split('\n');
      assert.ok(lines.length > 40, `${lines.length} events`);
      const events = lines.map((l) => JSON.parse(l) as { time: number; sdkappid: number });
      assert.ok(events.every((e, i) => e.sdkappid === APP && (i === 0 || events[i - 1]!.time <= e.time)));
      assert.match(first.stderr, new RegExp(`^simulated: ${lines.length} events \\(.*\\), app ${APP}, 40 users, days 20250111 \\(warm-up\\) to 20250113, Asia/Shanghai, seed 7\\n$`));
      assert.equal((await cli(...args, '--seed', '7')).stdout, first.stdout);
      assert.notEqual((await cli(...args, '--seed', '8')).stdout, first.stdout);
    });

    test("follows the app's time zone when the app exists, unless --timezone is given", async () => {
      const created = await cli('app', 'create', '--sdkappid', String(APP), '--name', 'Sim', '--company', 'Acme', '--timezone', 'Europe/Paris');
      assert.equal(created.code, 0, created.stderr);
      const own = await cli('simulate', '--sdkappid', String(APP), '--days', '1', '--users', '5', '--start', '20250113');
      assert.match(own.stderr, /, Europe\/Paris, seed 1\n$/);
      const given = await cli('simulate', '--sdkappid', String(APP), '--days', '1', '--users', '5', '--start', '20250113', '--timezone', 'America/New_York');
      assert.match(given.stderr, /, America\/New_York, seed 1\n$/);
    });

    test('--out FILE, then ingest and query: the numbers the simulator says the pipeline must give', async () => {
      const out = join(dir, 'sim.ndjson');
      const sim = await cli('simulate', '--sdkappid', String(APP), '--days', '2', '--users', '60', '--seed', '3', '--start', '20250113', '--out', out);
      assert.equal(sim.code, 0, sim.stderr);
      assert.equal(sim.stdout, '');
      const expected: SimulatedDay[] = [];
      let events = 0;
      for (const _ of simulateEvents({ sdkappid: APP, days: 2, users: 60, seed: 3, start: '20250113', timezone: 'Europe/Paris', onDay: (d) => expected.push(d) })) events++;
      assert.equal(readFileSync(out, 'utf8').trimEnd().split('\n').length, events);

      const ingest = await cli('ingest', out);
      assert.equal(ingest.code, 0, ingest.stderr);
      assert.equal(ingest.stdout, `ingested: ${events} accepted, 0 rejected, 1 batches (0 already applied)\n`);
      const query = await cli('query', '--sdkappid', String(APP), '--from', '20250113', '--to', '20250114', '--format', 'json');
      const days = JSON.parse(query.stdout) as Record<string, string>[];
      for (const day of expected.filter((d) => !d.warmUp)) {
        const reported = days.find((d) => d.Date === day.day);
        assert.ok(reported, day.day);
        for (const f of COUNTED_FIELDS) assert.equal(reported[f], String(day.counters[f]), `${day.day} ${f}`);
      }
    });

    test('warns when the events reach back further than the ingest retention window', async () => {
      const run = await cli('simulate', '--sdkappid', String(APP), '--days', '1', '--users', '5', '--start', '20241101');
      assert.equal(run.code, 0);
      assert.match(run.stderr, /^warning: events before .* are older than the 35-day ingest window/m);
    });

    test('errors: bad options and an unwritable output are one-line messages, exit 1', async () => {
      const cases: [string[], RegExp][] = [
        [['--days', '0', '--users', '5'], /--days.*positive integer/],
        [['--days', '1'], /required option '--users <n>'/],
        [['--days', '1', '--users', '5', '--start', '2025-01-13'], /--start.*expected a date written YYYYMMDD/],
        [['--days', '1', '--users', '5', '--timezone', 'Mars/Base'], /^error: unknown time zone "Mars\/Base"/],
        [['--days', '1', '--users', '5', '--seed', '1.5'], /--seed.*expected an integer/],
        [['--days', '1', '--users', '5', '--out', join(dir, 'no', 'such', 'dir.ndjson')], /^error: cannot write ".*dir\.ndjson": ENOENT/],
      ];
      for (const [args, pattern] of cases) {
        const run = await cli('simulate', '--sdkappid', String(APP), ...args);
        assert.equal(run.code, 1, args.join(' '));
        assert.match(run.stderr, pattern, args.join(' '));
        assert.doesNotMatch(run.stderr, /^\s+at /m);
      }
    });
  });
}
