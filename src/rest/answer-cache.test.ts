import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnswerCache } from './answer-cache.js';
import { openRestHarness } from '../../test/support/rest-test-harness.js';
import type { App } from '../store/apps-repo.js';

const app = { sdkappid: 1 } as App;
const body = (s: string) => Buffer.from(s);

test('an answer stands while the data version is unchanged, for the same app object only', () => {
  const cache = new AnswerCache({ ttlMs: 1000 });
  cache.store(app, 'k', 7, body('a'), 0);
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
  cache.store(app, 'a', 1, body('a'), 0);
  cache.store(app, 'b', 1, body('b'), 0);
  cache.store(app, 'c', 1, body('c'), 0);
  assert.deepEqual(['a', 'b', 'c'].map((k) => cache.fresh(app, k, 1)?.toString()), [undefined, 'b', 'c']);
});

test('over HTTP: other writers show after the TTL; this node’s own ingestion shows at once', async (t) => {
  const h = await openRestHarness('sqlite', { answerCacheTtlMs: 1000 });
  t.after(() => h.close());
  const yesterday = async () => (await h.call({ body: '{"RequestField":["LoginTimes"]}' })).json().Result[0].LoginTimes as string;
  await h.seedDay('20240614', { LoginTimes: 5 });
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
