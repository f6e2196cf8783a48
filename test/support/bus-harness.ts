// Tests only: what the NATS bus tests share: apps, a file-ingest oracle, reports, polling.
import { Readable } from 'node:stream';
import { ingestorForStore } from '../../src/ingest/ingestor-for-store.js';
import { ingestStream } from '../../src/ingest/ingest-stream.js';
import { dailyReport, type DayReport } from '../../src/report/daily-report.js';
import { simulateEvents, eventToJson } from '../../src/simulate/index.js';
import { AppsRepo } from '../../src/store/apps-repo.js';
import { StatsRepo } from '../../src/store/stats-repo.js';
import { openStore } from '../../src/store/store.js';
import { addDays, type CalendarDay } from '../../src/time/calendar-day.js';
import { dayOfZone } from '../../src/time/day-of.js';

export const BUS_KEY = 'b'.repeat(64);

/** Registers the apps (UTC, created long before the events). */
export async function createApps(url: string, apps: readonly number[], nowMs: number): Promise<void> {
  const store = await openStore(url);
  try {
    const repo = new AppsRepo(store);
    for (const sdkappid of apps) {
      await repo.create({ sdkappid, name: `bus ${sdkappid}`, company: 'bus', secretKey: BUS_KEY, timezone: 'UTC', createdAt: nowMs - 40 * 86_400_000 });
    }
  } finally {
    await store.close();
  }
}

/** Simulated NDJSON of several apps, each app's lines in time order, apps interleaved by time. */
export function simulatedApps(apps: readonly number[], options: { days: number; users: number; seed?: number }): string {
  const events = apps.flatMap((sdkappid, i) => [...simulateEvents({ sdkappid, days: options.days, users: options.users, seed: (options.seed ?? 1) + i, timezone: 'UTC' })]);
  // A stable sort: an app's events keep their own order among equal times.
  events.sort((a, b) => a.time - b.time);
  return events.map((e) => `${eventToJson(e)}\n`).join('');
}

/** The oracle: the same text ingested by one process from a file. */
export async function fileIngest(url: string, ndjson: string, nowMs: number): Promise<void> {
  const store = await openStore(url);
  try {
    const summary = await ingestStream(ingestorForStore(store, { clock: () => nowMs }), Readable.from([ndjson]));
    if (summary.rejected > 0) throw new Error(`file ingest rejected ${summary.rejected} lines`);
  } finally {
    await store.close();
  }
}

/** The day range the bus tests compare: the last `days` days and today, UTC. */
export function recentDays(nowMs: number, days: number): { from: CalendarDay; to: CalendarDay } {
  const today = dayOfZone('UTC').day(nowMs);
  return { from: addDays(today, -days - 1), to: today };
}

/** Every app's daily report over `range`, by app. */
export async function reports(url: string, apps: readonly number[], range: { from: CalendarDay; to: CalendarDay }): Promise<Map<number, DayReport[]>> {
  const store = await openStore(url, { migrate: false });
  try {
    const out = new Map<number, DayReport[]>();
    for (const sdkappid of apps) out.set(sdkappid, await dailyReport(new StatsRepo(store), await new AppsRepo(store).require(sdkappid), range));
    return out;
  } finally {
    await store.close();
  }
}

/** Polls `check` until it returns true; rejects with `what` after `timeoutMs` (a hang guard, not a timing assertion). */
export async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
