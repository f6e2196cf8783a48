import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { simulateEvents, simulationPlan } from './simulate-events.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapMb(): number {
  gc();
  return process.memoryUsage().heapUsed / 1e6;
}

test('generating 2 million events keeps the heap flat (state per user and group only)', () => {
  const options = { sdkappid: 1, days: 60, users: 20_000, seed: 4, start: '20240101' };
  const before = heapMb();
  let afterWarmUp = 0;
  let n = 0;
  // Every event is read (nothing is generated for nothing): in time order, inside the plan's span.
  const { fromMs, toMs } = simulationPlan(options);
  let last = -Infinity;
  let outOfOrder = 0;
  let outside = 0;
  for (const e of simulateEvents(options)) {
    if (e.time < last) outOfOrder++;
    if (e.time < fromMs || e.time >= toMs) outside++;
    last = e.time;
    if (++n === 200_000) afterWarmUp = heapMb();
    if (n === 2_000_000) break;
  }
  const after = heapMb();
  assert.equal(n, 2_000_000);
  assert.equal(outOfOrder, 0, 'events in time order');
  assert.equal(outside, 0, 'events inside the simulated days');
  // A coarse bound, not a measurement: per-user state for 20k users is a few MB.
  assert.ok(after - before < 100, `heap grew ${(after - before).toFixed(1)} MB over the whole run`);
  assert.ok(after - afterWarmUp < 30, `heap grew ${(after - afterWarmUp).toFixed(1)} MB from 200k to 2M events`);
});
