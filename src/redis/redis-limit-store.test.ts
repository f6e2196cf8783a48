import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { RedisLimitStore, type RedisLimitState } from './redis-limit-store.js';
import { redisConnection } from './redis-connection.js';
import { FrequencyLimiter } from '../limits/frequency-limiter.js';
import { SignatureBrake } from '../limits/signature-brake.js';
import { LocalLimitStore } from '../limits/local-limit-store.js';
import { fakeClock } from '../../test/support/fake-clock.js';
import { freePort, OwnRedis, sharedRedisUrl, uniqueRedisPrefix } from '../../test/support/redis-test.js';

const connections: Redis[] = [];
after(() => connections.forEach((c) => c.disconnect()));

/** A generous timeout where a test is about shared counting, not a loaded box's stalls (which would fall back). */
const PATIENT = { timeoutMs: 1000 };

async function connected(url = sharedRedisUrl()): Promise<Redis> {
  const redis = redisConnection({ url });
  redis.on('error', () => {});
  connections.push(redis);
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
  return redis;
}

test('two stores on one Redis (two nodes) admit the limit together, not each', async () => {
  const prefix = uniqueRedisPrefix();
  const a = new RedisLimitStore({ redis: await connected(), prefix, ...PATIENT });
  const b = new RedisLimitStore({ redis: await connected(), prefix, ...PATIENT });
  const clock = fakeClock(1_700_000_000_000);
  const onA = new FrequencyLimiter({ limit: 10, store: a, clock });
  const onB = new FrequencyLimiter({ limit: 10, store: b, clock });
  const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? onA : onB).take('1400000001')));
  assert.equal(answers.filter(Boolean).length, 10);
  clock.advance(1100);
  assert.equal(await onB.take('1400000001'), true, 'a second and a slot later the window has passed');
  assert.equal(a.state, 'up');
});

test('property: Redis decides exactly as the local store (same arithmetic), and no window ever admits more than the limit', async () => {
  const shared = new RedisLimitStore({ redis: await connected(), prefix: uniqueRedisPrefix(), ...PATIENT });
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 8 }), fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 60 }), async (limit, gaps) => {
      const key = `k${run++}`;
      const local = new LocalLimitStore();
      let now = 1_700_000_000_000;
      const admitted: number[] = [];
      for (const gap of gaps) {
        now += gap;
        const [r, l] = [await shared.admit(key, limit, 1000, now), await local.admit(key, limit, 1000, now)];
        assert.equal(r, l, `at +${now - 1_700_000_000_000} ms`);
        if (r) admitted.push(now);
      }
      for (const t of admitted) assert.ok(admitted.filter((u) => u > t - 1000 && u <= t).length <= limit);
    }),
    { numRuns: 60 },
  );
});

test('the brake counts failures across nodes, per key, for its window', async () => {
  const prefix = uniqueRedisPrefix();
  const clock = fakeClock(1_700_000_000_000);
  const nodes = [0, 1].map(async () => new SignatureBrake({ store: new RedisLimitStore({ redis: await connected(), prefix, ...PATIENT }), clock, clientThreshold: 3, accountThreshold: 100 }));
  const [a, b] = await Promise.all(nodes);
  const attempt = { client: '203.0.113.9', sdkappid: '1400000001', identifier: 'administrator' };
  for (let i = 0; i < 4; i++) await (i % 2 ? a! : b!).recordFailure(attempt);
  assert.equal(await a!.braked(attempt), 'client', '4 failures from two nodes are over 3');
  assert.equal(await b!.braked({ ...attempt, sdkappid: '1400000002' }), undefined, 'another app is not braked');
  clock.advance(60_000);
  assert.equal(await b!.braked(attempt), undefined, 'the window passed');
});

test('Redis unreachable: every call is decided at once by the fallback, and the state says down once', async () => {
  const port = await freePort();
  const redis = redisConnection({ url: `redis://127.0.0.1:${port}` });
  redis.on('error', () => {});
  connections.push(redis);
  const states: RedisLimitState[] = [];
  const store = new RedisLimitStore({ redis, prefix: uniqueRedisPrefix(), onStateChange: (s) => states.push(s) });
  const limiter = new FrequencyLimiter({ limit: 5, store });
  const answers = [];
  for (let i = 0; i < 8; i++) answers.push(await limiter.take('app'));
  assert.deepEqual(answers, [true, true, true, true, true, false, false, false], 'the local fallback still limits');
  assert.equal(store.fallbackCalls, 8);
  assert.ok(states.filter((s) => s === 'down').length <= 1);
});

test('Redis killed and restarted: the fallback decides meanwhile, then shared counts again', async () => {
  const own = await OwnRedis.start();
  try {
    const states: RedisLimitState[] = [];
    const store = new RedisLimitStore({ redis: await connected(own.url), prefix: uniqueRedisPrefix(), onStateChange: (s) => states.push(s), ...PATIENT });
    assert.equal(await store.admit('k', 100, 1000, Date.now()), true);
    await own.stop();
    let down = 0;
    for (let i = 0; i < 20; i++) if (await store.admit('k', 100, 1000, Date.now())) down++;
    assert.equal(down, 20);
    assert.equal(store.state, 'down');
    assert.deepEqual(store.failedCommands, { timeouts: 0, errors: store.failedCommands.errors }, 'a killed Redis closes the link: nothing waits for a timeout');
    await own.start();
    for (let i = 0; i < 100 && (store.state as RedisLimitState) !== 'up'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await store.admit('k2', 100, 1000, Date.now());
    }
    assert.equal(store.state, 'up');
    assert.deepEqual(states, ['up', 'down', 'up']);
  } finally {
    await own.stop();
  }
});

test('Redis hung (SIGSTOP, the link stays open): a call waits for the timeout once, then the fallback decides without trying until retryAfterMs', async () => {
  const own = await OwnRedis.start();
  try {
    const clock = fakeClock(1_700_000_000_000);
    const store = new RedisLimitStore({ redis: await connected(own.url), prefix: uniqueRedisPrefix(), timeoutMs: 30, retryAfterMs: 1000, clock });
    assert.equal(await store.admit('k', 100, 1000, clock()), true);
    assert.equal(store.state, 'up');
    own.pause();
    for (let i = 0; i < 10; i++) assert.equal(await store.admit('k', 100, 1000, clock()), true);
    assert.equal(store.state, 'down');
    assert.equal(store.failedCommands.timeouts, 1, 'one call waited for the timeout; the other nine were decided at once');
    assert.equal(store.fallbackCalls, 10);
    own.resume();
    clock.advance(1000);
    for (let i = 0; i < 50 && store.state !== 'up'; i++) {
      await store.admit('k', 100, 1000, clock());
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(store.state, 'up', 'tried again after retryAfterMs, and Redis answered');
  } finally {
    own.resume();
    await own.stop();
  }
});
