// Several imstats processes on one database give the numbers of one process: two ingesting
// processes race on the same app and the same days while a third, the real `imstats serve`, answers getappinfo.
//
// What the race may and may not change. Batches of one app are serialised by a row lock (the
// UPDATE of its app_state row), so concurrent batches never lose an update or count a distinct
// member twice; but the ORDER in which the two processes' batches get the lock is up to the
// scheduler. Presence is order-dependent by design (metrics.md: an event older than the app's
// presence clock is late and does not rewrite presence), and so is anything derived from it. The
// stream is therefore built from events whose numbers cannot depend on batch order:
// - messages state their deliveries (`delivered`), so no presence or membership is consulted;
// - registrations and group creations repeat ids only within one day (the first one applied
//   counts, and it counts on that day whichever process applies it);
// - friend, group join/quit, callback and push events are plain sums;
// - every login is followed, at the same instant and in the same two-line slot (batches hold
//   whole slots), by the logout of that session: LoginTimes, LoginUserNum and ActiveUserNum are
//   then order-free and no session outlives a batch, so no midnight carry-over happens.
// MaxOnlineNum alone still depends on order (a day whose logins all arrive late has no live
// login, so its peak stays 0 instead of 1); it is asserted separately: never above the
// single-process peak. Every other field must be equal, day by day.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COUNTED_FIELDS } from '../../src/catalog/fields.js';
import { dailyReport, type DayReport } from '../../src/report/daily-report.js';
import { AppsRepo } from '../../src/store/apps-repo.js';
import { StatsRepo } from '../../src/store/stats-repo.js';
import { openStore } from '../../src/store/store.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/test-databases.js';
import { addDays } from '../../src/time/calendar-day.js';
import { dayOfZone } from '../../src/time/day-of.js';
import { Child } from '../support/child.js';
import { imstatsServe, serverUrl } from './imstats-serve.js';
import { getAppInfo, type Envelope } from './getappinfo-client.js';
import { multinodeEvents, toNdjson, type SlotLines } from './multinode-events.js';

const APP = 1400000555;
const KEY = 'a'.repeat(64);
const DAYS = 4;
const SLOTS = 4000;
/** Even, so a batch always holds whole two-line slots. */
const BATCH_LINES = 80;
/**
 * Each racing process pauses this long after sending a batch's lines. Without it SQLite barely
 * interleaves: a writer that just committed takes the lock again at once while the other one
 * sleeps in its busy handler. The row-lock queues of PostgreSQL and MariaDB interleave anyway.
 */
const PAUSE_MS = 10;
const NOW = Date.now();
const TODAY = dayOfZone('UTC').day(NOW);
const FIRST_DAY = addDays(TODAY, -DAYS);
const LAST_DAY = addDays(TODAY, -1);
const FIRST_DAY_MS = Date.parse(`${FIRST_DAY.slice(0, 4)}-${FIRST_DAY.slice(4, 6)}-${FIRST_DAY.slice(6)}T00:00:00Z`);

async function createApp(db: TestDatabase): Promise<void> {
  const store = await openStore(db.url);
  try {
    await new AppsRepo(store).create({ sdkappid: APP, name: 'race', company: 'multinode', secretKey: KEY, timezone: 'UTC', createdAt: FIRST_DAY_MS - 86_400_000 });
  } finally {
    await store.close();
  }
}

async function report(db: TestDatabase): Promise<DayReport[]> {
  const store = await openStore(db.url, { migrate: false });
  try {
    const app = await new AppsRepo(store).require(APP);
    return await dailyReport(new StatsRepo(store), app, { from: FIRST_DAY, to: LAST_DAY });
  } finally {
    await store.close();
  }
}

/** Starts ingesting processes together and waits for all; returns which process each committed batch came from, in arrival order. */
async function ingestConcurrently(db: TestDatabase, files: readonly string[], pauseMs = 0): Promise<{ order: string[]; summaries: { batches: number; accepted: number; rejected: number }[] }> {
  const order: string[] = [];
  const children = files.map(
    (file, i) => new Child(new URL('./ingest-child.js', import.meta.url), [db.url, file, String(BATCH_LINES), String(NOW), String(pauseMs)], { name: `ingest-${i}`, onLine: (c, line) => {
      if (line === 'batch') order.push(c.name);
    } }),
  );
  try {
    await Promise.all(children.map((c) => c.waitFor('ready')));
    for (const c of children) c.send('go');
    await Promise.all(children.map((c) => c.succeeded()));
    const summaries = children.map((c) => JSON.parse(c.lines.find((l) => l.startsWith('done '))!.slice(5)) as { batches: number; accepted: number; rejected: number });
    return { order, summaries };
  } finally {
    for (const c of children) if (c.running) c.process.kill('SIGKILL');
  }
}

/** Counts straight from the events, so the single-process oracle is not trusted blindly. */
function countByHand(slots: readonly SlotLines[]) {
  const days = new Map<number, { up: number; senders: Set<string>; registered: Set<string>; logins: number }>();
  for (const { day, lines } of slots) {
    let d = days.get(day);
    if (!d) days.set(day, (d = { up: 0, senders: new Set(), registered: new Set(), logins: 0 }));
    for (const e of lines as readonly Record<string, unknown>[]) {
      if (e.type === 'msg.c2c' || e.type === 'msg.group') {
        d.up++;
        d.senders.add(e.from as string);
      }
      if (e.type === 'user.register') d.registered.add(e.user as string);
      if (e.type === 'user.login') d.logins++;
    }
  }
  return days;
}

const diffsExceptPeak = (a: DayReport[], b: DayReport[]) =>
  a.flatMap((day, i) =>
    COUNTED_FIELDS.filter((f) => f !== 'MaxOnlineNum' && day[f] !== b[i]?.[f]).map((f) => `${day.Date} ${f}: ${day[f]} vs ${b[i]?.[f]}`),
  );

for (const kind of testDatabaseKinds()) {
  test(`two ingesting processes and an API process race on one app and its days: one process's numbers (${kind})`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'imstats-race-'));
    const slots = multinodeEvents({ sdkappid: APP, firstDayMs: FIRST_DAY_MS, days: DAYS, slots: SLOTS, orderIndependent: true });
    // Each slot goes to one of the two processes at random: both halves cover every day and
    // share users, groups and registrations, and each half stays in time order.
    let pick = 7;
    const halves: [SlotLines[], SlotLines[]] = [[], []];
    for (const s of slots) halves[(pick = (pick * 1103515245 + 12345) % 2 ** 31) >> 16 & 1]!.push(s);
    const files = { all: join(dir, 'all.ndjson'), a: join(dir, 'a.ndjson'), b: join(dir, 'b.ndjson') };
    writeFileSync(files.all, toNdjson(slots));
    writeFileSync(files.a, toNdjson(halves[0]));
    writeFileSync(files.b, toNdjson(halves[1]));

    const [single, shared] = [await createTestDatabase(kind), await createTestDatabase(kind)];
    let server: Child | undefined;
    try {
      await createApp(single);
      await createApp(shared);

      const one = await ingestConcurrently(single, [files.all]);
      assert.equal(one.summaries[0]!.rejected, 0);
      const expected = await report(single);
      assert.equal(expected.length, DAYS);
      const byHand = countByHand(slots);
      for (const day of expected) {
        const d = byHand.get(DAYS - 1 - expected.indexOf(day))!;
        assert.equal(Number(day.UpMsgNum), d.up, `${day.Date} UpMsgNum`);
        assert.equal(Number(day.SendMsgUserNum), d.senders.size, `${day.Date} SendMsgUserNum`);
        assert.equal(Number(day.RegistUserNumOneDay), d.registered.size, `${day.Date} RegistUserNumOneDay`);
        assert.equal(Number(day.LoginTimes), d.logins, `${day.Date} LoginTimes`);
        assert.equal(day.MaxOnlineNum, '1', `${day.Date} MaxOnlineNum of one in-order process`);
      }

      server = imstatsServe(shared.url);
      const baseUrl = await serverUrl(server);
      const target = { baseUrl, sdkappid: APP, key: KEY };
      const body = { StartDate: FIRST_DAY, EndDate: LAST_DAY };

      // The API process answers during the whole race: always ErrorCode 0, the days complete,
      // each answer a state between two committed batches (numbers never go down, and the
      // message totals always equal the sum of their parts: no half-applied batch is visible).
      let polling = true;
      const answers: Envelope[] = [];
      const poller = (async () => {
        let previous: Record<string, string>[] | undefined;
        while (polling) {
          const env = await getAppInfo(target, body);
          assert.equal(env.ErrorCode, 0, env.ErrorInfo);
          assert.equal(env.ActionStatus, 'OK');
          const days = env.Result!;
          assert.deepEqual(days.map((d) => d.Date), expected.map((d) => d.Date));
          for (const [i, day] of days.entries()) {
            assert.equal(Number(day.UpMsgNum), Number(day.C2CUpMsgNum) + Number(day.GroupUpMsgNum), `${day.Date} UpMsgNum`);
            assert.equal(Number(day.DownMsgNum), Number(day.C2CDownMsgNum) + Number(day.GroupDownMsgNum), `${day.Date} DownMsgNum`);
            for (const f of COUNTED_FIELDS) {
              if (previous) assert.ok(Number(day[f]) >= Number(previous[i]![f]), `${day.Date} ${f} went down: ${previous[i]![f]} → ${day[f]}`);
            }
          }
          previous = days;
          answers.push(env);
          await new Promise((r) => setTimeout(r, 5));
        }
      })();

      let race: Awaited<ReturnType<typeof ingestConcurrently>>;
      const started = Date.now();
      try {
        race = await ingestConcurrently(shared, [files.a, files.b], PAUSE_MS);
      } finally {
        polling = false;
        await poller;
      }
      const switches = race.order.filter((name, i) => i > 0 && name !== race.order[i - 1]).length;
      t.diagnostic(
        `${kind}: race of ${Date.now() - started} ms, ${race.order.length} batches (${race.summaries.map((s) => s.batches).join(' + ')}) of ${BATCH_LINES} lines, ` +
          `${switches} switches between the processes, ${answers.length} getappinfo answers during the race`,
      );
      assert.equal(race.summaries[0]!.rejected + race.summaries[1]!.rejected, 0);
      assert.equal(race.summaries[0]!.accepted + race.summaries[1]!.accepted, SLOTS * 2);
      // The race is real when both processes' batches alternate at least once each way (how often depends on the scheduler, not on imstats).
      assert.ok(switches >= 2, `the processes' batches interleaved (${race.order.join(' ')})`);
      assert.ok(answers.length > 0);

      const raced = await report(shared);
      assert.deepEqual(diffsExceptPeak(raced, expected), []);
      for (const [i, day] of raced.entries()) {
        assert.ok(Number(day.MaxOnlineNum) <= Number(expected[i]!.MaxOnlineNum), `${day.Date} MaxOnlineNum ${day.MaxOnlineNum}`);
      }

      // The final answer over HTTP is the stored numbers, as one process would have them.
      const final = await getAppInfo(target, body);
      assert.equal(final.ErrorCode, 0);
      assert.deepEqual(final.Result, raced);
      assert.deepEqual(diffsExceptPeak(final.Result as DayReport[], expected), []);
    } finally {
      if (server) {
        const exit = await server.stop();
        assert.equal(exit.code, 0, `the API process exited cleanly: ${server.stderr}`);
      }
      await single.drop();
      await shared.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
