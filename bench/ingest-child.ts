// One ingestion measurement in its own process, so its peak memory (maxRSS) is its own. Prints
// `result {json}` with the wall time of the read alone (opening and migrating excluded).
//   node ingest-child.js floor FILE                                read lines, JSON.parse each, nothing else
//   node ingest-child.js readline-floor FILE                       the same through node:readline
//   node ingest-child.js pipeline FILE DB_URL SDKAPPID TIMEZONE    ingestStream into a fresh database
import { ingestorForStore } from '../src/ingest/ingestor-for-store.js';
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ingestStream } from '../src/ingest/ingest-stream.js';
import { AppsRepo } from '../src/store/apps-repo.js';
import { openStore } from '../src/store/store.js';

const [mode, file, dbUrl, sdkappid, timezone] = process.argv.slice(2);
const bytes = statSync(file!).size;

function report(fields: Record<string, number>, startMs: number, startCpu: NodeJS.CpuUsage): void {
  const seconds = (performance.now() - startMs) / 1000;
  const cpu = process.cpuUsage(startCpu);
  const result = {
    ...fields,
    bytes,
    seconds,
    eventsPerS: fields.events! / seconds,
    // maxRSS is in kibibytes.
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    cpuS: (cpu.user + cpu.system) / 1e6,
  };
  process.stdout.write(`result ${JSON.stringify(result)}\n`);
}

if (mode === 'floor') {
  const startCpu = process.cpuUsage();
  const start = performance.now();
  let events = 0;
  // The cheapest honest read: 1 MiB UTF-8 chunks split on \n, JSON.parse per line. (readline,
  // which ingestStream uses, costs about a quarter more on its own; see readline-floor.)
  let rest = '';
  for await (const chunk of createReadStream(file!, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string);
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      if (nl > from) {
        JSON.parse(text.slice(from, nl));
        events++;
      }
      from = nl + 1;
    }
    rest = text.slice(from);
  }
  if (rest.length > 0) {
    JSON.parse(rest);
    events++;
  }
  report({ events }, start, startCpu);
} else if (mode === 'readline-floor') {
  const startCpu = process.cpuUsage();
  const start = performance.now();
  let events = 0;
  // The line splitting ingestStream uses, then JSON.parse: how much of the gap is readline.
  for await (const line of createInterface({ input: createReadStream(file!), crlfDelay: Infinity })) {
    if (line.length === 0) continue;
    JSON.parse(line);
    events++;
  }
  report({ events }, start, startCpu);
} else if (mode === 'pipeline') {
  const store = await openStore(dbUrl!);
  const apps = new AppsRepo(store);
  await apps.create({ sdkappid: Number(sdkappid), name: 'Bench App', timezone: timezone!, createdAt: Date.now() - 60 * 86_400_000 });
  const ingestor = ingestorForStore(store, { apps });
  const startCpu = process.cpuUsage();
  const start = performance.now();
  const summary = await ingestStream(ingestor, createReadStream(file!));
  report({ events: summary.lines, accepted: summary.accepted, rejected: summary.rejected }, start, startCpu);
  await store.close();
} else {
  throw new Error('usage: ingest-child.js floor|readline-floor FILE | pipeline FILE DB_URL SDKAPPID TIMEZONE');
}
