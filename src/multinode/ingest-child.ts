// Tests only: an ingesting process. Opens the database, says `ready`, waits for `go` on stdin
// (so racing processes start together), ingests an NDJSON file batch by batch printing `batch`
// after each committed one, then prints `done <summary JSON>`.
// argv: database URL, file, lines per batch, now (Unix ms).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Ingestor } from '../ingest/ingestor.js';
import { ingestStream } from '../ingest/ingest-stream.js';
import { AppsRepo } from '../store/apps-repo.js';
import { SqlBatchStore } from '../store/sql-batch-store.js';
import { openStore } from '../store/store.js';

const [dbUrl, file, batchLines, nowMs] = process.argv.slice(2);
const store = await openStore(dbUrl!);
const apps = new AppsRepo(store);
const ingestor = new Ingestor(new SqlBatchStore(store), async (id) => (await apps.get(id))?.timezone, { clock: () => Number(nowMs) });
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) if (line === 'go') break;
// An open stdin would keep the process alive after the work is done.
process.stdin.destroy();
const summary = await ingestStream(ingestor, createReadStream(file!), {
  batchLines: Number(batchLines),
  onProgress: () => process.stdout.write('batch\n'),
});
process.stdout.write(`done ${JSON.stringify(summary)}\n`);
await store.close();
