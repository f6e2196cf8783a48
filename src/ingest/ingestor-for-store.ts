import { AppsRepo } from '../store/apps-repo.js';
import { SqlBatchStore } from '../store/sql-batch-store.js';
import type { Store } from '../store/store.js';
import { Ingestor, type IngestorOptions } from './ingestor.js';

export interface IngestorForStoreOptions extends IngestorOptions {
  /** Where app time zones are looked up; default the store's app registry (a cache of it in the server). */
  readonly apps?: Pick<AppsRepo, 'get'>;
}

/** The ingestion pipeline over an open SQL store: the one wiring every entry point uses. */
export function ingestorForStore(store: Store, options: IngestorForStoreOptions = {}): Ingestor {
  const apps = options.apps ?? new AppsRepo(store);
  return new Ingestor(new SqlBatchStore(store), async (id) => (await apps.get(id))?.timezone, options);
}
