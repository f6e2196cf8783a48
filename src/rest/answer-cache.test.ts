import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnswerCache } from './answer-cache.js';
import { openRestHarness } from '../../test/support/rest-test-harness.js';
import type { App } from '../store/apps-repo.js';

const app = { sdkappid: 1 } as App;
const body = (s: string) => Buffer.from(s);

/** Stores an answer whose question was asked before (the first answer of a question is not kept). */
function keep(cache: AnswerCache, key: string, version: number, text: string, nowMs: number): void {
  cache.store(app, key, version, body(text), nowMs);
  cache.store(app, key, version, body(text), nowMs);
}

test('an answer stands while the data version is unchanged, for the same app object only', () => {
  const cache = new AnswerCache({ ttlMs: 1000 });
  keep(cache, 'k', 7, 'a', 0);
  assert.equal(cache.fresh(app, 'k', 999)?.toString(), 'a');
  assert.equal(cache.fresh(app, 'k', 1000), undefined, 'past the TTL it must be checked');
  assert.equal(cache.current(app, 'k', 8, 1000), undefined, 'a newer version misses');
  assert.equal(cache.current(app, 'k', 7, 1000)?.toString(), 'a');
  assert.equal(cache.fresh(app, 'k', 1999)?.toString(), 'a', 'a successful check restarts the TTL');
  assert.equal(cache.fresh({ ...app }, 'k', 1000), undefined, 'a reloaded (maybe renamed) app misses');
  cache.forget(1);
  assert.equal(cache.current(app, 'k', 7, 1000), undefined);
});

test('bounded: the oldest answer goes first', () => {
  const cache = new AnswerCache({ ttlMs: 1000, maxEntries: 2 });
  for (const k of ['a', 'b', 'c']) keep(cache, k, 1, k, 0);
  assert.deepEqual(['a', 'b', 'c'].map((k) => cache.fresh(app, k, 1)?.toString()), [undefined, 'b', 'c']);
  // An evicted answer's question was asked before: its next answer is kept at once.
  cache.store(app, 'a', 2, body('a2'), 0);
  assert.equal(cache.fresh(app, 'a', 1)?.toString(), 'a2');
});

test('an answer is kept from the second time its question is answered; a sweep of one-off questions leaves the kept ones', () => {
  const cache = new AnswerCache({ ttlMs: 1000, maxEntries: 10 });
  cache.store(app, 'hot', 1, body('first'), 0);
  assert.equal(cache.holds(app, 'hot'), false, 'asked once: not kept');
  cache.store(app, 'hot', 1, body('second'), 0);
  assert.equal(cache.fresh(app, 'hot', 1)?.toString(), 'second');
  // 1,000 questions asked once each (100 times what the cache keeps): none kept, none pushes 'hot' out.
  for (let i = 0; i < 1000; i++) cache.store(app, `sweep ${i}`, 1, body('x'), 0);
  assert.equal(cache.fresh(app, 'hot', 1)?.toString(), 'second');
  assert.equal(cache.holds(app, 'sweep 999'), false);
  // Asked again soon after (among the last 20 one-off questions): kept.
  cache.store(app, 'sweep 990', 1, body('again'), 0);
  assert.equal(cache.fresh(app, 'sweep 990', 1)?.toString(), 'again');
  // Forgotten (this node ingested for the app): the next answers are kept at once.
  cache.forget(1);
  assert.equal(cache.holds(app, 'hot'), false);
  cache.store(app, 'hot', 2, body('third'), 0);
  assert.equal(cache.fresh(app, 'hot', 1)?.toString(), 'third');
  cache.clear();
  cache.store(app, 'hot', 3, body('fourth'), 0);
  assert.equal(cache.fresh(app, 'hot', 1)?.toString(), 'fourth');
});

test('over HTTP: other writers show after the TTL; this node’s own ingestion shows at once', async (t) => {
  const h = await openRestHarness('sqlite', { answerCacheTtlMs: 1000 });
  t.after(() => h.close());
  const yesterday = async () => (await h.call({ body: '{"RequestField":["LoginTimes"]}' })).json().Result[0].LoginTimes as string;
  await h.seedDay('20240614', { LoginTimes: 5 });
  // Asked twice: the second answer is kept (the first of a question is not).
  assert.equal(await yesterday(), '5');
  assert.equal(await yesterday(), '5');

  // Another node writes (the harness bumps the data version as ingestion does): within the TTL
  // this node may still answer what it had; after it, the new numbers.
  await h.store.db.updateTable('stats').set({ LoginTimes: 9 }).where('bucket', '=', '20240614').execute();
  await h.store.db.updateTable('app_state').set((eb) => ({ version: eb('version', '+', 1) })).execute();
  assert.equal(await yesterday(), '5');
  h.clock.set(h.clock() + 1000);
  assert.equal(await yesterday(), '9');

  // Ingested through this node: forgotten at once, no wait.
  const login = JSON.stringify({ type: 'user.login', time: Date.parse('2024-06-14T10:00:00+08:00'), user: 'zoe' });
  const ingested = await h.call({ path: '/v4/imstats/ingest', body: login });
  assert.equal(ingested.json().Accepted, 1);
  assert.equal(await yesterday(), '10');
});
