// One ingestion measurement in its own process, so its peak memory (maxRSS) is its own. Prints
// `result {json}` with the wall time of the read alone (opening and migrating excluded).
//   node ingest-child.js floor FILE                                read lines, JSON.parse each, nothing else
//   node ingest-child.js readline-floor FILE                       the same through node:readline
//   node ingest-child.js pipeline FILE DB_URL SDKAPPID TIMEZONE    ingestStream into a fresh database
//   node ingest-child.js pipeline-in-thread FILE DB_URL SDKAPPID TIMEZONE    the same, all in one thread
import { ingestorForStore } from '../src/ingest/ingestor-for-store.js';
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ingestStream } from '../src/ingest/ingest-stream.js';
import { AppsRepo } from '../src/store/apps-repo.js';
import { openStore } from '../src/store/store.js';

const [mode, file, dbUrl, sdkappid, timezone] = process.argv.slice(2);
const bytes = statSync(file!).size;

const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`;

function report(fields: Record<string, number>, startMs: number, startCpu: NodeJS.CpuUsage, excludeS = 0): void {
  const seconds = (performance.now() - startMs) / 1000 - excludeS;
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
} else if (mode === 'pipeline' || mode === 'pipeline-in-thread') {
  const store = await openStore(dbUrl!);
  const apps = new AppsRepo(store);
  await apps.create({ sdkappid: Number(sdkappid), name: 'Bench App', timezone: timezone!, createdAt: Date.now() - 60 * 86_400_000 });
  const ingestor = ingestorForStore(store, { apps });
  const startCpu = process.cpuUsage();
  const start = performance.now();
  const summary = await ingestStream(ingestor, createReadStream(file!), { inThread: mode === 'pipeline-in-thread' });
  report({ events: summary.lines, accepted: summary.accepted, rejected: summary.rejected }, start, startCpu);
  await store.close();
} else if (mode === 'duckdb') {
  // The peer: raw events into DuckDB (in memory, its default threads), then one exact query.
  // Imported here only: a devDependency the product never loads.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  const startCpu = process.cpuUsage();
  const start = performance.now();
  await db.run(`CREATE TABLE events AS SELECT * FROM read_json(${sqlString(file!)}, format = 'newline_delimited', union_by_name = true)`);
  const loadMs = performance.now();
  const events = Number((await db.runAndReadAll('SELECT count(*) FROM events')).getRows()[0]![0]);
  report({ events }, start, startCpu, (performance.now() - loadMs) / 1000);
  const q0 = performance.now();
  // One exact query: per day (Asia/Shanghai) and event type the count, plus distinct active users.
  await db.runAndReadAll(
    `SELECT day, count(*) FILTER (WHERE type = 'msg.c2c') AS c2c, count(*) FILTER (WHERE type = 'user.login') AS logins,
            count(DISTINCT "user") FILTER (WHERE type = 'user.login') AS active, count(*) AS total
       FROM (SELECT *, strftime(timezone('Asia/Shanghai', to_timestamp("time" / 1000)), '%Y%m%d') AS day FROM events)
      GROUP BY day ORDER BY day`,
  );
  process.stdout.write(`query ${(performance.now() - q0) / 1000}\n`);
  db.closeSync();
} else {
  throw new Error('usage: ingest-child.js floor|readline-floor|duckdb FILE | pipeline|pipeline-in-thread FILE DB_URL SDKAPPID TIMEZONE');
}
