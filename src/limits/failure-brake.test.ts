import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FailureBrake } from './failure-brake.js';
import { fakeClock } from '../../test/support/fake-clock.js';

function fail(brake: FailureBrake, client: string, times: number): void {
  for (let i = 0; i < times; i++) brake.recordFailure(client);
}

test('default 20: braked once failures exceed the threshold', () => {
  const clock = fakeClock();
  const brake = new FailureBrake({ clock });
  assert.equal(brake.isBraked('10.0.0.1'), false);
  fail(brake, '10.0.0.1', 20);
  assert.equal(brake.isBraked('10.0.0.1'), false, '20 failures are allowed');
  brake.recordFailure('10.0.0.1');
  assert.equal(brake.isBraked('10.0.0.1'), true, 'the 21st engages the brake');
});

test('the brake releases when the 60 s window passes', () => {
  const clock = fakeClock();
  const brake = new FailureBrake({ clock });
  fail(brake, 'c', 21);
  clock.advance(59_999);
  assert.equal(brake.isBraked('c'), true);
  clock.advance(1);
  assert.equal(brake.isBraked('c'), false);
  // A fresh window: the count starts again.
  fail(brake, 'c', 20);
  assert.equal(brake.isBraked('c'), false);
  brake.recordFailure('c');
  assert.equal(brake.isBraked('c'), true);
});

test('failures spread over more than a window never engage it', () => {
  const clock = fakeClock();
  const brake = new FailureBrake({ clock });
  for (let i = 0; i < 100; i++) {
    brake.recordFailure('slow');
    clock.advance(3_001); // at most 20 failures fit in one 60 s window
    assert.equal(brake.isBraked('slow'), false, `failure ${i}`);
  }
});

test('the window opens at the first failure, not at the brake', () => {
  const clock = fakeClock();
  const brake = new FailureBrake({ threshold: 2, windowMs: 60_000, clock });
  brake.recordFailure('c');
  clock.advance(50_000);
  fail(brake, 'c', 2);
  assert.equal(brake.isBraked('c'), true);
  clock.advance(10_000);
  assert.equal(brake.isBraked('c'), false, 'released 60 s after the first failure');
});

test('clients are independent', () => {
  const clock = fakeClock();
  const brake = new FailureBrake({ threshold: 3, clock });
  fail(brake, '10.0.0.1', 4);
  fail(brake, '10.0.0.2', 3);
  assert.equal(brake.isBraked('10.0.0.1'), true);
  assert.equal(brake.isBraked('10.0.0.2'), false);
  assert.equal(brake.isBraked('10.0.0.3'), false);
});

test('bounded: eviction keeps memory bounded, earliest window first', () => {
  const clock = fakeClock();
  const brake = new FailureBrake({ threshold: 1, maxKeys: 100, clock });
  for (let i = 0; i < 10_000; i++) {
    fail(brake, `client${i}`, 2);
    clock.advance(1);
    assert.ok(brake.size <= 100);
  }
  assert.equal(brake.size, 100);
  assert.equal(brake.isBraked('client9999'), true);
  assert.equal(brake.isBraked('client0'), false, 'evicted');
});

test('passed windows are dropped when looked at', () => {
  const clock = fakeClock();
  const brake = new FailureBrake({ clock });
  fail(brake, 'a', 1);
  fail(brake, 'b', 1);
  clock.advance(60_000);
  assert.equal(brake.isBraked('a'), false);
  assert.equal(brake.size, 1);
});

test('bad options are refused at construction', () => {
  for (const bad of [{ threshold: 0 }, { threshold: 2.5 }, { windowMs: 0 }, { maxKeys: -3 }]) {
    assert.throws(() => new FailureBrake(bad), RangeError, JSON.stringify(bad));
  }
});
