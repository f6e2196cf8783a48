import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FailureBrake } from './failure-brake.js';
import { fakeClock } from '../../test/support/fake-clock.js';
import { LocalLimitStore } from './local-limit-store.js';

async function fail(brake: FailureBrake, key: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await brake.recordFailure(key);
}

test('default 20: braked once failures exceed the threshold', async () => {
  const brake = new FailureBrake({ clock: fakeClock() });
  assert.equal(await brake.isBraked('10.0.0.1'), false);
  await fail(brake, '10.0.0.1', 20);
  assert.equal(await brake.isBraked('10.0.0.1'), false, '20 failures are allowed');
  await brake.recordFailure('10.0.0.1');
  assert.equal(await brake.isBraked('10.0.0.1'), true, 'the 21st engages the brake');
});

test('the brake releases when the 60 s window passes, and the count starts again', async () => {
  const clock = fakeClock();
  const brake = new FailureBrake({ clock });
  await fail(brake, 'c', 21);
  clock.advance(59_999);
  assert.equal(await brake.isBraked('c'), true);
  clock.advance(1);
  assert.equal(await brake.isBraked('c'), false);
  await fail(brake, 'c', 20);
  assert.equal(await brake.isBraked('c'), false);
  await brake.recordFailure('c');
  assert.equal(await brake.isBraked('c'), true);
});

test('failures spread over more than a window never engage it', async () => {
  const clock = fakeClock();
  const brake = new FailureBrake({ clock });
  for (let i = 0; i < 100; i++) {
    await brake.recordFailure('slow');
    clock.advance(3_001);
    assert.equal(await brake.isBraked('slow'), false, `failure ${i}`);
  }
});

test('the window opens at the first failure, not at the brake', async () => {
  const clock = fakeClock();
  const brake = new FailureBrake({ threshold: 2, windowMs: 60_000, clock });
  await brake.recordFailure('c');
  clock.advance(50_000);
  await fail(brake, 'c', 2);
  assert.equal(await brake.isBraked('c'), true);
  clock.advance(10_000);
  assert.equal(await brake.isBraked('c'), false, 'released 60 s after the first failure');
});

test('keys are independent, and brakes sharing a store stay apart by prefix', async () => {
  const clock = fakeClock();
  const store = new LocalLimitStore();
  const a = new FailureBrake({ threshold: 3, clock, store, prefix: 'a:' });
  const b = new FailureBrake({ threshold: 3, clock, store, prefix: 'b:' });
  await fail(a, '10.0.0.1', 4);
  await fail(a, '10.0.0.2', 3);
  assert.equal(await a.isBraked('10.0.0.1'), true);
  assert.equal(await a.isBraked('10.0.0.2'), false);
  assert.equal(await b.isBraked('10.0.0.1'), false);
});

test('bounded: eviction keeps memory bounded, earliest window first', async () => {
  const clock = fakeClock();
  const store = new LocalLimitStore({ maxKeys: 100 });
  const brake = new FailureBrake({ threshold: 1, clock, store });
  for (let i = 0; i < 10_000; i++) {
    await fail(brake, `client${i}`, 2);
    clock.advance(1);
    assert.ok(store.size.failures <= 100);
  }
  assert.equal(await brake.isBraked('client9999'), true);
  assert.equal(await brake.isBraked('client0'), false, 'evicted');
});

test('bad options are refused at construction', () => {
  for (const bad of [{ threshold: 0 }, { threshold: 2.5 }, { windowMs: 0 }]) {
    assert.throws(() => new FailureBrake(bad), RangeError, JSON.stringify(bad));
  }
});
