/**
 * Measures how fast the simulator produces events (not a test: timings belong in benchmarks).
 * Run after a build: `node dist/bench/measure-throughput.js [users] [days] [seed]`.
 * Prints events/s for generation alone, generation + NDJSON text, and writeNdjson to /dev/null.
 */
import { createWriteStream } from 'node:fs';
import { simulateEvents } from '../src/simulate/simulate-events.js';
import type { SimulateOptions } from '../src/simulate/simulate-options.js';
import { ndjsonChunks, writeNdjson } from '../src/simulate/write-ndjson.js';

const [users = 100_000, days = 7, seed = 1] = process.argv.slice(2).map(Number);
const options: SimulateOptions = { sdkappid: 1_400_000_000, users, days, seed, start: '20240603' };

function report(label: string, events: number, ms: number, bytes?: number): void {
  const rate = (events / ms) * 1000;
  const mb = bytes === undefined ? '' : `, ${((bytes / ms) * 1000 / 1e6).toFixed(0)} MB/s, ${(bytes / events).toFixed(0)} B/event`;
  console.log(`${label.padEnd(28)} ${events.toLocaleString('en')} events in ${(ms / 1000).toFixed(2)} s: ${(rate / 1e6).toFixed(2)} M events/s${mb}`);
}

let t = performance.now();
let n = 0;
for (const _ of simulateEvents(options)) n++;
report('generate', n, performance.now() - t);

t = performance.now();
let bytes = 0;
for (const chunk of ndjsonChunks(simulateEvents(options))) bytes += chunk.length;
report('generate + NDJSON bytes', n, performance.now() - t, bytes);

t = performance.now();
const out = createWriteStream('/dev/null');
const result = await writeNdjson(simulateEvents(options), out);
await new Promise<void>((resolve) => out.end(resolve));
report('writeNdjson to /dev/null', result.events, performance.now() - t, result.bytes);
console.log(`heap used at the end: ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB (users ${users}, days ${days})`);
