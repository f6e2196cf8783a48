import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LocalLimitStore } from './local-limit-store.js';
import { FrequencyLimiter } from './frequency-limiter.js';
import { SignatureBrake } from './signature-brake.js';
import type { LimitStore } from './limit-store.js';

/** The same store with its synchronous fast path hidden, as a networked store would be. */
function asyncOnly(store: LimitStore): LimitStore {
  return {
    admit: (...a) => store.admit(...a),
    addFailure: (...a) => store.addFailure(...a),
    failures: (...a) => store.failures(...a),
  };
}

test('LocalLimitStore: admitNow/failuresNow and admit/failures are one counter, whichever is asked', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.record({ sync: fc.boolean(), op: fc.constantFrom('admit', 'fail', 'failures'), dt: fc.integer({ min: 0, max: 700 }) }), { maxLength: 60 }), async (ops) => {
      const mixed = new LocalLimitStore();
      const plain = new LocalLimitStore();
      let now = 1_000_000;
      for (const { sync, op, dt } of ops) {
        now += dt;
        if (op === 'admit') {
          const got = sync ? mixed.admitNow('k', 3, 1000, now) : await mixed.admit('k', 3, 1000, now);
          assert.equal(got, await plain.admit('k', 3, 1000, now));
        } else if (op === 'fail') {
          assert.equal(await mixed.addFailure('f', 2000, now), await plain.addFailure('f', 2000, now));
        } else {
          const got = sync ? mixed.failuresNow('f', 2000, now) : await mixed.failures('f', 2000, now);
          assert.equal(got, await plain.failures('f', 2000, now));
        }
      }
    }),
  );
});

test('limiter and brake answer at once over a local store and by promise over an async-only one, with the same answers', async () => {
  let now = 5_000;
  const clock = () => now;
  const local = new LocalLimitStore();
  const fast = new FrequencyLimiter({ limit: 2, store: local, clock });
  const slow = new FrequencyLimiter({ limit: 2, store: asyncOnly(new LocalLimitStore()), clock });
  const answers: Array<[boolean, boolean]> = [];
  for (let i = 0; i < 4; i++) {
    const a = fast.takeNow('app');
    const b = slow.takeNow('app');
    assert.equal(typeof a, 'boolean');
    assert.ok(b instanceof Promise);
    answers.push([a as boolean, await b]);
  }
  assert.deepEqual(answers, [[true, true], [true, true], [false, false], [false, false]]);

  const attempt = { client: '10.0.0.1', sdkappid: '1400000001', identifier: 'administrator' };
  const brakeFast = new SignatureBrake({ clientThreshold: 1, store: new LocalLimitStore(), clock });
  const brakeSlow = new SignatureBrake({ clientThreshold: 1, store: asyncOnly(new LocalLimitStore()), clock });
  for (let i = 0; i < 3; i++) {
    const a = brakeFast.brakedNow(attempt);
    assert.ok(!(a instanceof Promise));
    assert.equal(a, await brakeSlow.brakedNow(attempt));
    await brakeFast.recordFailure(attempt);
    await brakeSlow.recordFailure(attempt);
  }
  assert.equal(brakeFast.brakedNow(attempt), 'client');
  assert.equal(await brakeSlow.brakedNow(attempt), 'client');
  now += 60_000;
  assert.equal(brakeFast.brakedNow(attempt), undefined);
});
