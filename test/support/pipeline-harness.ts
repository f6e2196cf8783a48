import { ingestorForStore } from '../../src/ingest/ingestor-for-store.js';
import { COUNTED_FIELDS, type CountedField } from '../../src/catalog/fields.js';
import type { NumberedValue } from '../../src/events/parse-ndjson.js';
import type { Ingestor, IngestBatchOptions, IngestResult } from '../../src/ingest/ingestor.js';
import { dailyReport } from '../../src/report/daily-report.js';
import { AppsRepo } from '../../src/store/apps-repo.js';
import { StatsRepo } from '../../src/store/stats-repo.js';
import type { Store } from '../../src/store/store.js';
import { openTestStore, type TestDatabaseKind } from './test-databases.js';

export type DayNumbers = Record<CountedField, number>;

/** A fresh database with the real pipeline wired to it, for tests that feed events and read numbers. */
export interface PipelineHarness {
  readonly store: Store;
  readonly apps: AppsRepo;
  readonly ingestor: Ingestor;
  /** Feeds plain objects as one batch (line = index + 1). */
  ingest(events: readonly object[], options?: IngestBatchOptions): Promise<IngestResult>;
  /** The counted fields of one day as getappinfo computes them (zeros for an empty day). */
  day(sdkappid: number, day: string): Promise<DayNumbers>;
  close(): Promise<void>;
}

export async function pipelineHarness(kind: TestDatabaseKind, nowMs: number, retentionDays?: number): Promise<PipelineHarness> {
  const store = await openTestStore(kind);
  const apps = new AppsRepo(store);
  const stats = new StatsRepo(store);
  const ingestor = ingestorForStore(store, { apps,
    clock: () => nowMs,
    retentionDays,
  });
  return {
    store,
    apps,
    ingestor,
    ingest: (events, options) => ingestor.ingest(events.map((value, i): NumberedValue => ({ line: i + 1, value })), options),
    async day(sdkappid, day) {
      const app = await apps.require(sdkappid);
      const [report] = await dailyReport(stats, { ...app, createdAt: 0 }, { from: day, to: day });
      const numbers = {} as DayNumbers;
      for (const f of COUNTED_FIELDS) numbers[f] = report ? Number(report[f]) : 0;
      return numbers;
    },
    close: () => store.close(),
  };
}
