import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Prng } from './prng.js';
import { TimeHeap } from './time-heap.js';

test('pops in time order under random push, replaceTop, decrease and pop', () => {
  const n = 500;
  const heap = new TimeHeap(n);
  const rng = new Prng(9);
  const times = new Map<number, number>();
  for (let id = 0; id < n; id++) {
    const t = rng.int(1_000_000);
    heap.push(t, id);
    times.set(id, t);
  }
  let last = -Infinity;
  for (let step = 0; step < 20_000 && heap.size > 0; step++) {
    const t = heap.topTime();
    const id = heap.topId();
    assert.equal(times.get(id), t);
    assert.equal(t, Math.min(...times.values()));
    assert.ok(t >= last);
    last = t;
    // Move some other actor earlier, never before now.
    const other = rng.int(n);
    if (other !== id && times.has(other)) {
      const earlier = t + rng.int(Math.max(1, times.get(other)! - t + 1));
      heap.decrease(other, earlier);
      times.set(other, earlier);
      assert.equal(heap.timeOf(other), earlier);
    }
    if (rng.chance(0.1)) {
      heap.pop();
      times.delete(id);
      assert.equal(heap.timeOf(id), Infinity);
    } else {
      const next = t + rng.int(10_000);
      heap.replaceTop(next);
      times.set(id, next);
    }
  }
  assert.equal(heap.size, times.size);
});

test('decrease refuses to move an actor later, push refuses a scheduled actor', () => {
  const heap = new TimeHeap(3);
  heap.push(10, 0);
  assert.throws(() => heap.decrease(0, 11));
  assert.throws(() => heap.push(5, 0));
  assert.throws(() => heap.decrease(1, 1));
  heap.push(5, 1);
  assert.throws(() => heap.push(1, 0), /already scheduled/);
  assert.equal(heap.topId(), 1);
});
