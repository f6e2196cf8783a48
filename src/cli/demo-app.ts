import { ingestorForStore } from '../ingest/ingestor-for-store.js';
import { ingestStream, type StreamSummary } from '../ingest/ingest-stream.js';
import { ndjsonReadable, simulateEvents, type SimulateOptions } from '../simulate/index.js';
import { AppsRepo, DEFAULT_ADMIN, type App } from '../store/apps-repo.js';
import { StatsRepo } from '../store/stats-repo.js';
import type { Store } from '../store/store.js';
import type { CliIo } from './cli-io.js';
import { startProgress } from './progress.js';

/** The demo app `serve --demo` creates: an SDKAppID in Tencent's 1400xxxxxx range. */
export const DEMO_SDKAPPID = 1_400_000_000;
export const DEMO_APP_NAME = 'imstats demo';
export const DEMO_COMPANY = 'imstats';
export const DEMO_ADMIN = DEFAULT_ADMIN;
/** Simulated days: the default getappinfo window. */
export const DEMO_DAYS = 30;
/** Users of the simulated app; about 2,000 keeps the first start well under a minute. */
export const DEFAULT_DEMO_USERS = 2000;
export const DEMO_SEED = 1;

export interface DemoOptions {
  readonly io: CliIo;
  readonly nowMs: number;
  /** Default DEFAULT_DEMO_USERS. */
  readonly users?: number;
}

export interface DemoResult {
  readonly app: App;
  /** False when the app and its data were already there (a second start). */
  readonly created: boolean;
  /** Ingest summary of a first start. */
  readonly ingested?: StreamSummary;
}

/**
 * Makes sure the demo app exists with data: on first start creates it, simulates the last 30
 * days and ingests them through the same pipeline as `imstats ingest` (NDJSON, content-derived
 * batch ids, so an interrupted start resumes); later starts find data and reuse it.
 */
export async function ensureDemoApp(store: Store, options: DemoOptions): Promise<DemoResult> {
  const apps = new AppsRepo(store);
  let app = await apps.get(DEMO_SDKAPPID);
  if (app) {
    const stored = await new StatsRepo(store).readRange({ sdkappid: app.sdkappid, grain: 'day', dim: '' }, '00010101', '99991231');
    if (stored.firstBucket !== undefined) return { app, created: false };
  } else {
    app = await apps.create({ sdkappid: DEMO_SDKAPPID, name: DEMO_APP_NAME, company: DEMO_COMPANY, admins: [DEMO_ADMIN], createdAt: options.nowMs });
  }
  const simulation: SimulateOptions = {
    sdkappid: app.sdkappid,
    days: DEMO_DAYS,
    users: options.users ?? DEFAULT_DEMO_USERS,
    seed: DEMO_SEED,
    timezone: app.timezone,
    now: options.nowMs,
  };
  const ingestor = ingestorForStore(store, { apps, clock: () => options.nowMs });
  options.io.err(`creating demo app ${app.sdkappid}: simulating ${DEMO_DAYS} days of ${simulation.users} users and ingesting them…\n`);
  let days = 0;
  let rejected = 0;
  const progress = startProgress(options.io, {
    total: DEMO_DAYS + 1,
    format: 'demo data {bar} {value}/{total} days | {lines} events',
    payload: { lines: 0 },
  });
  let ingested: StreamSummary;
  try {
    ingested = await ingestStream(ingestor, ndjsonReadable(simulateEvents({ ...simulation, onDay: () => days++ })), {
      onProgress: (p) => progress.update(Math.min(days, DEMO_DAYS + 1), { lines: p.lines }),
      onRejection: (r) => {
        // The simulator only writes valid events; a rejection means a bug, so show the first few.
        if (++rejected <= 5) progress.log(`demo event ${r.line} rejected: ${r.reason}\n`);
      },
    });
  } finally {
    progress.stop();
  }
  return { app, created: true, ingested };
}
