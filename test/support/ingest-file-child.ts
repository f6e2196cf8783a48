// A child process for crash tests: ingests an NDJSON file batch by batch, printing one line per
// committed batch so the parent can kill it (SIGKILL) at a chosen moment.
import { ingestorForStore } from '../../src/ingest/ingestor-for-store.js';
import { createReadStream } from 'node:fs';
import { ingestStream } from '../../src/ingest/ingest-stream.js';
import { AppsRepo } from '../../src/store/apps-repo.js';
import { openStore } from '../../src/store/store.js';

const [dbUrl, file, batchLines, nowMs] = process.argv.slice(2);
const store = await openStore(dbUrl!);
const apps = new AppsRepo(store);
const ingestor = ingestorForStore(store, { apps, clock: () => Number(nowMs) });
const summary = await ingestStream(ingestor, createReadStream(file!), {
  batchLines: Number(batchLines),
  onProgress: (p) => process.stdout.write(`batch ${p.lines}\n`),
});
process.stdout.write(`done ${JSON.stringify(summary)}\n`);
await store.close();
