import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrequencyLimiter } from './frequency-limiter.js';
import { fakeClock } from '../../test/support/fake-clock.js';

function takeMany(limiter: FrequencyLimiter, key: string, times: number): boolean[] {
  return Array.from({ length: times }, () => limiter.take(key));
}

test('default 200 per second: the 201st take in a window is refused', () => {
  const clock = fakeClock(5_000); // the start of a window
  const limiter = new FrequencyLimiter({ clock });
  assert.ok(takeMany(limiter, 'app', 200).every(Boolean));
  clock.advance(999); // still the same window
  assert.equal(limiter.take('app'), false);
  assert.equal(limiter.take('app'), false, 'stays refused for the rest of the window');
});

test('the next window allows again, with a fresh count', () => {
  const clock = fakeClock(5_000);
  const limiter = new FrequencyLimiter({ clock });
  takeMany(limiter, 'app', 201);
  clock.advance(1000);
  assert.ok(takeMany(limiter, 'app', 200).every(Boolean));
  assert.equal(limiter.take('app'), false);
  clock.advance(60_000); // a long pause does not matter either
  assert.equal(limiter.take('app'), true);
});

test('windows are fixed: calls late in one window do not count in the next', () => {
  const clock = fakeClock(5_000);
  const limiter = new FrequencyLimiter({ limit: 3, clock });
  clock.advance(900);
  assert.deepEqual(takeMany(limiter, 'app', 4), [true, true, true, false]);
  clock.advance(100); // 6 000: a new window
  assert.deepEqual(takeMany(limiter, 'app', 4), [true, true, true, false]);
});

test('keys are independent', () => {
  const clock = fakeClock(5_000);
  const limiter = new FrequencyLimiter({ limit: 2, clock });
  assert.deepEqual(takeMany(limiter, '1400000000', 3), [true, true, false]);
  assert.deepEqual(takeMany(limiter, '1400000001', 3), [true, true, false]);
  assert.equal(limiter.take('1400000000'), false);
});

test('limit and windowMs are configurable', () => {
  const clock = fakeClock(0);
  const limiter = new FrequencyLimiter({ limit: 5, windowMs: 10_000, clock });
  assert.deepEqual(takeMany(limiter, 'k', 6), [true, true, true, true, true, false]);
  clock.advance(9_999);
  assert.equal(limiter.take('k'), false);
  clock.advance(1);
  assert.equal(limiter.take('k'), true);
});

test('eviction keeps memory bounded, oldest window first', () => {
  const clock = fakeClock(5_000);
  const limiter = new FrequencyLimiter({ limit: 1, maxKeys: 100, clock });
  for (let i = 0; i < 10_000; i++) {
    limiter.take(`key${i}`);
    assert.ok(limiter.size <= 100);
  }
  assert.equal(limiter.size, 100);
  // The most recent keys are still counted; the earliest were forgotten.
  assert.equal(limiter.take('key9999'), false);
  assert.equal(limiter.take('key0'), true);
});

test('a key moving to a new window is no longer the eviction candidate', () => {
  const clock = fakeClock(5_000);
  const limiter = new FrequencyLimiter({ limit: 1, maxKeys: 2, clock });
  limiter.take('a');
  limiter.take('b');
  clock.advance(1000);
  limiter.take('a'); // a now holds the newest window; b the stalest
  limiter.take('c'); // evicts b
  assert.equal(limiter.size, 2);
  assert.equal(limiter.take('a'), false, 'a kept its count');
  assert.equal(limiter.take('c'), false, 'c kept its count');
});

test('bad options are refused at construction', () => {
  for (const bad of [{ limit: 0 }, { limit: 1.5 }, { windowMs: -1 }, { maxKeys: 0 }, { limit: Number.NaN }]) {
    assert.throws(() => new FrequencyLimiter(bad), RangeError, JSON.stringify(bad));
  }
});

test('the default clock is the real one', () => {
  // A window longer than any clock reading: both calls share it, so the second is refused —
  // which only happens if the default clock yields real numbers (NaN windows never match).
  const limiter = new FrequencyLimiter({ limit: 1, windowMs: Number.MAX_SAFE_INTEGER });
  assert.deepEqual(takeMany(limiter, 'k', 2), [true, false]);
});
