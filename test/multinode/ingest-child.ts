// Tests only: an ingesting process. Opens the database, says `ready`, waits for `go` on stdin
// (so racing processes start together), ingests an NDJSON file batch by batch printing `batch`
// after each committed one, then prints `done <summary JSON>`.
// argv: database URL, file, lines per batch, now (Unix ms), pause after each batch (ms, default 0:
// a sender that is not always sending; it lets a SQLite writer waiting on its busy timeout in).
import { ingestorForStore } from '../../src/ingest/ingestor-for-store.js';
import { createReadStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { ingestStream } from '../../src/ingest/ingest-stream.js';
import { AppsRepo } from '../../src/store/apps-repo.js';
import { openStore } from '../../src/store/store.js';

const [dbUrl, file, batchLines, nowMs, pauseMs] = process.argv.slice(2);

/** The file as a sender would trickle it: a batch's worth of lines, then a pause. */
function trickle(path: string, lines: number, pause: number): Readable {
  const all = readFileSync(path, 'utf8').split(/(?<=\n)/);
  return Readable.from(
    (async function* () {
      for (let i = 0; i < all.length; i += lines) {
        yield all.slice(i, i + lines).join('');
        await sleep(pause);
      }
    })(),
  );
}
const store = await openStore(dbUrl!);
const apps = new AppsRepo(store);
const ingestor = ingestorForStore(store, { apps, clock: () => Number(nowMs) });
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) if (line === 'go') break;
// An open stdin would keep the process alive after the work is done.
process.stdin.destroy();
const summary = await ingestStream(ingestor, Number(pauseMs) > 0 ? trickle(file!, Number(batchLines), Number(pauseMs)) : createReadStream(file!), {
  batchLines: Number(batchLines),
  onProgress: () => process.stdout.write('batch\n'),
});
process.stdout.write(`done ${JSON.stringify(summary)}\n`);
await store.close();
