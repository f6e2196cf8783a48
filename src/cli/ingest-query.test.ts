import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { specFieldNamesInWireOrder } from '../../test/support/spec-fields.js';
import { dailyReport, defaultWindow } from '../report/daily-report.js';
import { AppsRepo } from '../store/apps-repo.js';
import { StatsRepo } from '../store/stats-repo.js';
import { openStore } from '../store/store.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../../test/support/test-databases.js';
import { runCaptured } from './run-captured.js';
import { getStats } from '../../test/support/stats-harness.js';
import type { PipelineHarness } from '../../test/support/pipeline-harness.js';

// 2025-01-15 12:00 in Asia/Shanghai: today is 20250115, the default window ends 20250114.
const NOW = Date.UTC(2025, 0, 15, 4, 0, 0);
const T13 = Date.UTC(2025, 0, 13, 2, 0, 0); // 10:00 on the 13th in Shanghai
const T14 = Date.UTC(2025, 0, 14, 2, 0, 0);
const APP = 1400000001;
const OTHER = 1400000002;

const ndjson = (lines: readonly unknown[]) => lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';

/** Two days of a two-user app, every event naming its app. */
const GOOD = ndjson([
  { type: 'user.register', time: T13, sdkappid: APP, user: 'alice' },
  { type: 'user.register', time: T13, sdkappid: APP, user: 'bob' },
  { type: 'user.login', time: T13 + 1000, sdkappid: APP, user: 'alice', platform: 'iOS' },
  { type: 'msg.c2c', time: T13 + 2000, sdkappid: APP, from: 'alice', to: 'bob' },
  { type: 'user.logout', time: T13 + 3000, sdkappid: APP, user: 'alice', platform: 'iOS' },
  { type: 'user.login', time: T14, sdkappid: APP, user: 'bob', platform: 'Android' },
  { type: 'msg.c2c', time: T14 + 1000, sdkappid: APP, from: 'bob', to: 'alice' },
  { type: 'msg.c2c', time: T14 + 2000, sdkappid: APP, from: 'bob', to: 'alice' },
  { type: 'user.logout', time: T14 + 3000, sdkappid: APP, user: 'bob', platform: 'Android' },
]);

/** For `--sdkappid OTHER`: three valid lines among every kind of bad one (and a blank line). */
const MIXED = ndjson([
  { type: 'user.register', time: T14, user: 'carol' },
  { type: 'user.teleport', time: T14, user: 'carol' },
  { type: 'user.login', time: T14 + 1, platform: 'Web' },
  { type: 'msg.c2c', time: Math.floor(T14 / 1000), from: 'carol', to: 'dave' },
  { type: 'user.register', time: T14, sdkappid: APP, user: 'eve' },
  '{"type":"user.register","time":',
  { type: 'msg.c2c', time: T14 + 5000, from: 'carol', to: 'dave' },
  '',
  { type: 'user.login', time: T14 + 6000, user: 'carol', platform: 'Web' },
]);

for (const kind of testDatabaseKinds()) {
  describe(`imstats ingest and query (${kind})`, () => {
    let database: TestDatabase;
    let dir: string;
    const file = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    const cli = (args: string[], stdin?: string) => runCaptured([...args, '--db', database.url], { now: () => NOW, stdin });
    const queryJson = async (sdkappid: number, ...extra: string[]) => {
      const run = await cli(['query', '--sdkappid', String(sdkappid), '--format', 'json', ...extra]);
      assert.equal(run.code, 0, run.stderr);
      return JSON.parse(run.stdout) as Record<string, string>[];
    };

    before(async () => {
      database = await createTestDatabase(kind);
      dir = mkdtempSync(join(tmpdir(), 'imstats-cli-'));
      for (const id of [APP, OTHER]) {
        const run = await cli(['app', 'create', '--sdkappid', String(id), '--name', `app ${id}`, '--company', 'Acme, Inc.']);
        assert.equal(run.code, 0, run.stderr);
      }
    });
    after(async () => {
      rmSync(dir, { recursive: true, force: true });
      await database.drop();
    });

    test('ingest of a valid file: summary on stdout, exit 0, nothing on stderr', async () => {
      const run = await cli(['ingest', file('good.ndjson', GOOD)]);
      assert.equal(run.stderr, '');
      assert.equal(run.code, 0);
      assert.equal(run.stdout, 'ingested: 9 accepted, 0 already applied, 0 rejected (1 batches, 0 of them applied before)\n');
    });

    test('query --format json is dailyReport over the default window, keys in wire order', async () => {
      const days = await queryJson(APP);
      const store = await openStore(database.url);
      try {
        const app = await new AppsRepo(store).require(APP);
        const expected = await dailyReport(new StatsRepo(store), app, defaultWindow(app, NOW));
        assert.deepEqual(days, expected);
        assert.deepEqual(Object.keys(days[0]!), specFieldNamesInWireOrder());
      } finally {
        await store.close();
      }
      // The numbers worked out by hand: days before the first data are left out, newest first.
      assert.deepEqual(
        days.map((d) => [d.Date, d.RegistUserNumOneDay, d.RegistUserNumTotal, d.LoginTimes, d.C2CUpMsgNum, d.C2CSendMsgUserNum, d.AppId, d.Company]),
        [
          ['20250114', '0', '2', '1', '2', '1', String(APP), 'Acme, Inc.'],
          ['20250113', '2', '2', '1', '1', '1', String(APP), 'Acme, Inc.'],
        ],
      );
    });

    test('ingest of the same file again changes nothing', async () => {
      const before = await queryJson(APP);
      const run = await cli(['ingest', join(dir, 'good.ndjson')]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, 'ingested: 0 accepted, 9 already applied, 0 rejected (1 batches, 1 of them applied before)\n');
      assert.deepEqual(await queryJson(APP), before);
    });

    test('ingest of a mixed file counts the valid lines and reports each bad one with its line number; exit 2', async () => {
      const run = await cli(['ingest', file('mixed.ndjson', MIXED), '--sdkappid', String(OTHER)]);
      assert.equal(run.code, 2);
      assert.equal(run.stdout, 'ingested: 3 accepted, 0 already applied, 5 rejected (1 batches, 0 of them applied before)\n');
      const lines = run.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 5, run.stderr);
      assert.match(lines[0]!, /^line 2: unknown event type "user\.teleport"$/);
      assert.match(lines[1]!, /^line 3: missing field "user"$/);
      assert.match(lines[2]!, /^line 4: field "time" \d+ looks like seconds/);
      assert.match(lines[3]!, new RegExp(`^line 5: event is for app ${APP}, but this batch is for app ${OTHER}$`));
      assert.match(lines[4]!, /^line 6: invalid JSON: /);
      const [day] = await queryJson(OTHER, '--fields', 'RegistUserNumOneDay,C2CUpMsgNum,LoginTimes');
      assert.deepEqual(day, { C2CUpMsgNum: '1', Date: '20250114', LoginTimes: '1', RegistUserNumOneDay: '1' });
    });

    test('re-running the mixed file reports the same lines, applies nothing and still exits 2', async () => {
      const before = await queryJson(OTHER);
      const run = await cli(['ingest', join(dir, 'mixed.ndjson'), '--sdkappid', String(OTHER)]);
      assert.equal(run.code, 2);
      assert.equal(run.stdout, 'ingested: 0 accepted, 3 already applied, 5 rejected (1 batches, 1 of them applied before)\n');
      assert.equal(run.stderr.trimEnd().split('\n').length, 5);
      assert.deepEqual(await queryJson(OTHER), before);
    });

    test('events of an unknown app are rejected line by line', async () => {
      const run = await cli(['ingest', file('unknown-app.ndjson', ndjson([{ type: 'user.register', time: T14, sdkappid: 777, user: 'x' }]))]);
      assert.equal(run.code, 2);
      assert.equal(run.stderr, 'line 1: unknown app 777\n');
    });

    test('ingest - reads standard input; --batch-lines splits it into atomic batches', async () => {
      const text = ndjson([1, 2, 3, 4, 5].map((i) => ({ type: 'callback', time: T14 + i, command: 'C2C.CallbackBeforeSendMsg', answered: i !== 3 })));
      const run = await cli(['ingest', '-', '--sdkappid', String(OTHER), '--batch-lines', '2'], text);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, 'ingested: 5 accepted, 0 already applied, 0 rejected (3 batches, 0 of them applied before)\n');
      const [day] = await queryJson(OTHER, '--fields', 'CallBackReq,CallBackRsp');
      assert.deepEqual([day!.CallBackReq, day!.CallBackRsp], ['5', '4']);
    });

    test('on a terminal: a progress bar on stderr, rejected lines above it, the summary still on stdout', async () => {
      const path = file('tty.ndjson', MIXED.replaceAll('carol', 'tty-carol'));
      const run = await runCaptured(['ingest', path, '--sdkappid', String(OTHER), '--batch-lines', '4', '--db', database.url], { now: () => NOW, isTTY: true });
      assert.equal(run.code, 2);
      assert.equal(run.stdout, 'ingested: 3 accepted, 0 already applied, 5 rejected (3 batches, 0 of them applied before)\n');
      // eslint-disable-next-line no-control-regex -- the progress bar's ANSI escapes
      const drawn = run.progress.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '\n');
      assert.match(drawn, /\d+% \| [\d.]+ [kM]?B of [\d.]+ [kM]?B \| \d+ lines \| \d+ lines\/s \| \d+ rejected/);
      for (const line of [2, 3, 4, 5, 6]) assert.match(drawn, new RegExp(`^line ${line}: `, 'm'));
      assert.equal(run.stderr, '', 'rejected lines went to the terminal above the bar');
    });

    test('at most 100 rejected lines are printed, the rest counted', async () => {
      const run = await cli(['ingest', file('broken.ndjson', 'not json\n'.repeat(150)), '--sdkappid', String(OTHER)]);
      assert.equal(run.code, 2);
      const lines = run.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 101);
      assert.match(lines[99]!, /^line 100: invalid JSON/);
      assert.equal(lines[100], '… and 50 more rejected lines not shown');
      assert.equal(run.stdout, 'ingested: 0 accepted, 0 already applied, 150 rejected (1 batches, 0 of them applied before)\n');
    });

    test('the same file ingested for two apps counts for both: batch ids are scoped by app (issue 10)', async () => {
      const [a, b] = [1400000031, 1400000032];
      for (const id of [a, b]) assert.equal((await cli(['app', 'create', '--sdkappid', String(id), '--name', `two ${id}`, '--company', 'C'])).code, 0);
      const path = file('unnamed.ndjson', ndjson([{ type: 'user.register', time: T14, user: 'zed' }, { type: 'msg.c2c', time: T14 + 1, from: 'zed', to: 'yan' }]));
      for (const id of [a, b]) {
        const run = await cli(['ingest', path, '--sdkappid', String(id)]);
        assert.equal(run.stdout, 'ingested: 2 accepted, 0 already applied, 0 rejected (1 batches, 0 of them applied before)\n');
      }
      for (const id of [a, b]) assert.deepEqual((await queryJson(id, '--fields', 'C2CUpMsgNum'))[0], { C2CUpMsgNum: '1', Date: '20250114' });
      const again = await cli(['ingest', path, '--sdkappid', String(b)]);
      assert.equal(again.stdout, 'ingested: 0 accepted, 2 already applied, 0 rejected (1 batches, 1 of them applied before)\n');
    });

    test('ingest errors: missing file, directory, unknown --sdkappid, bad --batch-lines', async () => {
      const missing = await cli(['ingest', join(dir, 'nope.ndjson')]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /^error: cannot read ".*nope\.ndjson": no such file\n$/);
      const directory = await cli(['ingest', dir]);
      assert.equal(directory.code, 1);
      assert.match(directory.stderr, /it is a directory/);
      const unknown = await cli(['ingest', join(dir, 'good.ndjson'), '--sdkappid', '999']);
      assert.equal(unknown.code, 1);
      assert.equal(unknown.stderr, 'error: app 999 does not exist\n');
      const batch = await cli(['ingest', join(dir, 'good.ndjson'), '--batch-lines', '0']);
      assert.equal(batch.code, 1);
      assert.match(batch.stderr, /--batch-lines.*positive integer/);
    });

    test('query --format csv: a header row, then one row per day; fields quoted when needed', async () => {
      const some = await cli(['query', '--sdkappid', String(APP), '--format', 'csv', '--fields', 'LoginTimes,C2CUpMsgNum']);
      assert.equal(some.code, 0, some.stderr);
      assert.equal(some.stdout, 'Date,C2CUpMsgNum,LoginTimes\n20250114,2,1\n20250113,1,1\n');
      const all = await cli(['query', '--sdkappid', String(APP), '--format', 'csv']);
      const rows = all.stdout.trimEnd().split('\n');
      assert.equal(rows.length, 3);
      assert.equal(rows[0], ['Date', ...specFieldNamesInWireOrder().filter((f) => f !== 'Date')].join(','));
      assert.match(rows[1]!, /^20250114,.*,"Acme, Inc\.",/);
    });

    test('query --format table: a caption, then one row per day when it fits', async () => {
      const run = await cli(['query', '--sdkappid', String(APP), '--fields', 'C2CUpMsgNum,LoginTimes']);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(
        run.stdout,
        `app ${APP} "app ${APP}" (Acme, Inc.), 20241216–20250114, time zone Asia/Shanghai\n` +
          'Date      C2CUpMsgNum  LoginTimes\n' +
          '--------  -----------  ----------\n' +
          '20250114            2           1\n' +
          '20250113            1           1\n',
      );
    });

    test('query --format table with every field turns to one row per field when the rows would be too wide', async () => {
      const run = await cli(['query', '--sdkappid', String(APP)]);
      assert.equal(run.code, 0, run.stderr);
      const lines = run.stdout.split('\n');
      assert.match(lines[1]!, /^FIELD\s+20250114\s+20250113$/);
      assert.match(run.stdout, /^RegistUserNumTotal\s+2\s+2$/m);
      assert.doesNotMatch(run.stdout, /^AppName/m, 'app attributes are in the caption, not repeated per day');
      assert.ok(lines.every((l) => l.length <= 120));
    });

    test('query --from/--to picks the days; a range before the app existed is empty', async () => {
      const one = await queryJson(APP, '--from', '20250113', '--to', '20250113');
      assert.deepEqual(one.map((d) => d.Date), ['20250113']);
      assert.deepEqual(await queryJson(APP, '--from', '20250101', '--to', '20250105'), []);
      const table = await cli(['query', '--sdkappid', String(APP), '--from', '20250101', '--to', '20250105']);
      assert.match(table.stdout, /no days in this range/);
      const today = await queryJson(APP, '--from', '20250115', '--to', '20250115');
      assert.deepEqual(today.map((d) => [d.Date, d.UpMsgNum]), [['20250115', '0']]);
    });

    test('query errors name the problem: fields, dates, format, app', async () => {
      const cases: [string[], RegExp][] = [
        [['--fields', 'UpMsgnum'], /^error: unknown field "UpMsgnum" \(did you mean "UpMsgNum"\?\); fields are: APNSMsgNum, /],
        [['--fields', 'Date,Foo'], /^error: unknown field "Foo"; fields are/],
        [['--fields', ','], /^error: --fields is empty/],
        [['--from', '20250230', '--to', '20250301'], /option '--from <YYYYMMDD>' argument '20250230' is invalid\. expected a date written YYYYMMDD/],
        [['--from', '20250110'], /^error: --from and --to must be given together\n$/],
        [['--from', '20250114', '--to', '20250110'], /^error: --from 20250114 is after --to 20250110\n$/],
        [['--from', '20250110', '--to', '20250116'], /^error: --to 20250116 is after today \(20250115 in Asia\/Shanghai\)\n$/],
        [['--format', 'xml'], /argument 'xml' is invalid\. Allowed choices are table, json, csv/],
      ];
      for (const [args, pattern] of cases) {
        const run = await cli(['query', '--sdkappid', String(APP), ...args]);
        assert.equal(run.code, 1, args.join(' '));
        assert.match(run.stderr, pattern, args.join(' '));
        assert.equal(run.stdout, '');
      }
      const unknown = await cli(['query', '--sdkappid', '999']);
      assert.equal(unknown.code, 1);
      assert.equal(unknown.stderr, 'error: app 999 does not exist\n');
    });

    test('query --grain/--by: getstats rows, the same as the API', async () => {
      const rows = await queryJson(APP, '--grain', 'hour', '--by', 'platform', '--from', '2025011310', '--to', '2025011310', '--fields', 'LoginTimes,UpMsgNum');
      // 10:00 on the 13th: alice logs in on iOS; her message names no platform (Unknown).
      assert.deepEqual(rows, [
        { Bucket: '2025011310', Final: '1', LoginTimes: '0', Platform: 'Unknown', UpMsgNum: '1' },
        { Bucket: '2025011310', Final: '1', LoginTimes: '1', Platform: 'iOS', UpMsgNum: '0' },
      ]);
      const store = await openStore(database.url);
      try {
        const h = { apps: new AppsRepo(store), store } as unknown as PipelineHarness;
        const body = { Grain: 'day', Start: '20250113', End: '20250115' };
        const api = (await getStats(h, APP, body, NOW)).rows;
        assert.deepEqual(await queryJson(APP, '--grain', 'day', '--from', '20250113', '--to', '20250115'), api);
      } finally {
        await store.close();
      }
      const csv = await cli(['query', '--sdkappid', String(APP), '--grain', 'day', '--by', 'vendor', '--from', '20250113', '--to', '20250114', '--format', 'csv']);
      assert.equal(csv.code, 0, csv.stderr);
      assert.equal(csv.stdout, 'Bucket\n', 'no push: no vendor values, no rows');
      const bad = await cli(['query', '--sdkappid', String(APP), '--grain', 'hour', '--from', '20250113']);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /--from must be an hour written "YYYYMMDDHH" for Grain "hour", got "20250113"/);
      const table = await cli(['query', '--sdkappid', String(APP), '--grain', 'hour', '--from', '2025011310', '--to', '2025011311', '--fields', 'LoginTimes']);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /Bucket +Final +LoginTimes\n[- ]+\n2025011310 +1 +1\n2025011311 +1 +0\n/);
    });
  });
}
