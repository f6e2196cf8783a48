import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FrequencyLimiter } from './frequency-limiter.js';
import { fakeClock } from '../../test/support/fake-clock.js';
import { LocalLimitStore } from './local-limit-store.js';

async function takeMany(limiter: FrequencyLimiter, key: string, times: number): Promise<boolean[]> {
  const out: boolean[] = [];
  for (let i = 0; i < times; i++) out.push(await limiter.take(key));
  return out;
}

test('default 200 per second: the 201st take within a second is refused, and stays refused', async () => {
  const clock = fakeClock(5_000);
  const limiter = new FrequencyLimiter({ clock });
  assert.ok((await takeMany(limiter, 'app', 200)).every(Boolean));
  clock.advance(800);
  assert.equal(await limiter.take('app'), false);
  assert.equal(await limiter.take('app'), false);
});

test('a second boundary does not reset the count (sliding, not fixed windows)', async () => {
  const clock = fakeClock(5_000);
  const limiter = new FrequencyLimiter({ limit: 3, clock });
  clock.advance(900); // late in one clock second
  assert.deepEqual(await takeMany(limiter, 'app', 4), [true, true, true, false]);
  clock.advance(100); // 6 000: a fixed window would start afresh here
  assert.deepEqual(await takeMany(limiter, 'app', 2), [false, false], 'the three calls of 100 ms ago still count');
  clock.advance(1_000); // a full second after them
  assert.deepEqual(await takeMany(limiter, 'app', 4), [true, true, true, false]);
});

test('keys are independent', async () => {
  const clock = fakeClock(5_000);
  const limiter = new FrequencyLimiter({ limit: 2, clock });
  assert.deepEqual(await takeMany(limiter, '1400000000', 3), [true, true, false]);
  assert.deepEqual(await takeMany(limiter, '1400000001', 3), [true, true, false]);
});

test('limit and windowMs are configurable; refused calls are not counted', async () => {
  const clock = fakeClock(0);
  const limiter = new FrequencyLimiter({ limit: 5, windowMs: 10_000, clock });
  assert.deepEqual(await takeMany(limiter, 'k', 6), [true, true, true, true, true, false]);
  clock.advance(9_000);
  assert.equal(await limiter.take('k'), false);
  clock.advance(2_000);
  assert.deepEqual(await takeMany(limiter, 'k', 6), [true, true, true, true, true, false]);
});

test('property: no 1-second interval ever admits more than the limit, and a quiet key is admitted again', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 30 }),
      fc.array(fc.record({ gapMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 1_500 })), calls: fc.integer({ min: 1, max: 20 }) }), { maxLength: 120 }),
      fc.integer({ min: 0, max: 999 }),
      async (limit, steps, startOffsetMs) => {
        const clock = fakeClock(1_700_000_000_000 + startOffsetMs);
        const limiter = new FrequencyLimiter({ limit, clock });
        const admitted: number[] = [];
        for (const step of steps) {
          clock.advance(step.gapMs);
          const quiet = admitted.length === 0 || clock() - admitted[admitted.length - 1]! > 1_100;
          for (let i = 0; i < step.calls; i++) {
            const ok = await limiter.take('app');
            if (ok) admitted.push(clock());
            // Liveness: after 1.1 s without an admitted call the first call passes.
            if (i === 0 && quiet) assert.equal(ok, true, `refused after a quiet spell at ${clock()}`);
          }
        }
        // Every interval [a, a + 1000) starting at an admitted call is the worst case of its kind.
        for (let i = 0; i < admitted.length; i++) {
          let inWindow = 0;
          for (let j = i; j < admitted.length && admitted[j]! < admitted[i]! + 1000; j++) inWindow++;
          assert.ok(inWindow <= limit, `${inWindow} calls admitted within 1 s from ${admitted[i]} (limit ${limit})`);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('the store is bounded: beyond maxKeys the least recently used key is forgotten', async () => {
  const clock = fakeClock(5_000);
  const store = new LocalLimitStore({ maxKeys: 100 });
  const limiter = new FrequencyLimiter({ limit: 1, clock, store });
  for (let i = 0; i < 10_000; i++) {
    await limiter.take(`key${i}`);
    assert.ok(store.size.admissions <= 100);
  }
  assert.equal(store.size.admissions, 100);
  assert.equal(await limiter.take('key9999'), false, 'a recent key kept its count');
  assert.equal(await limiter.take('key0'), true, 'the earliest were forgotten');
});

test('bad options are refused at construction', () => {
  for (const bad of [{ limit: 0 }, { limit: 1.5 }, { windowMs: -1 }, { limit: Number.NaN }]) {
    assert.throws(() => new FrequencyLimiter(bad), RangeError, JSON.stringify(bad));
  }
  assert.throws(() => new LocalLimitStore({ maxKeys: 0 }), RangeError);
});

test('the default clock is the real one', async () => {
  const limiter = new FrequencyLimiter({ limit: 1, windowMs: 3_600_000 });
  assert.deepEqual(await takeMany(limiter, 'k', 2), [true, false]);
});
