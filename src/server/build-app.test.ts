import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openRestHarness } from '../../test/support/rest-test-harness.js';

test('logging: requests are logged with the UserSig redacted; database failures logged with their cause', async (t) => {
  const lines: string[] = [];
  const h = await openRestHarness('sqlite', { logger: true, logStream: { write: (line) => void lines.push(line) } });
  t.after(() => h.close());
  const sig = h.sign();
  await h.call({ query: { usersig: sig }, body: '{}' });
  await h.call({ query: { userSig: 'secret-looking-token', usersig: undefined }, body: '{}' });
  const text = lines.join('');
  assert.match(text, /usersig=\*\*\*/);
  assert.match(text, /userSig=\*\*\*/);
  assert.ok(!text.includes(sig.slice(0, 20)), 'a UserSig in the log');
  assert.ok(!text.includes('secret-looking-token'));

  await h.store.db.schema.alterTable('stats').renameTo('stats_moved').execute();
  try {
    // A question not answered before, so no cached answer stands in for the query.
    await h.call({ body: '{"RequestField":["LoginTimes"]}' });
  } finally {
    await h.store.db.schema.alterTable('stats_moved').renameTo('stats').execute();
  }
  const failure = lines.map((l) => JSON.parse(l)).find((l) => l.level === 50);
  assert.ok(failure, 'an error-level line for the database failure');
  assert.match(failure.err.message, /reading statistics/);
});
