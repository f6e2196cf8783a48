// Issue 10 (7): a source failing mid-way ends ingestStream with a clear error saying what was
// applied; before, `.pipe()` dropped the error and the promise never settled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipelineHarness } from '../../test/support/pipeline-harness.js';
import { ingestStream, StreamSourceError } from './ingest-stream.js';

const APP = 1400000091;
const NOW = Date.parse('2024-06-20T12:00:00Z');

test('a read error in the middle rejects with what was applied before it', async () => {
  const h = await pipelineHarness('sqlite', NOW);
  try {
    await h.apps.create({ sdkappid: APP, name: 'stream', createdAt: 0 });
    const line = (i: number) => `${JSON.stringify({ type: 'user.register', time: NOW - 3_600_000, user: `u${i}` })}\n`;
    let chunk = 0;
    const source = new Readable({
      read() {
        // Two chunks of 3 lines, then the disk fails.
        if (chunk < 2) this.push([0, 1, 2].map((i) => line(chunk * 3 + i)).join(''));
        else this.destroy(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }));
        chunk++;
      },
    });
    const outcome = await Promise.race([
      ingestStream(h.ingestor, source, { sdkappid: APP, batchLines: 3 }).then(
        () => 'resolved',
        (err: unknown) => err,
      ),
      new Promise((resolve) => setTimeout(() => resolve('still pending after 10 s'), 10_000).unref()),
    ]);
    assert.ok(outcome instanceof StreamSourceError, String(outcome));
    assert.match(outcome.message, /^reading the input failed: EIO: i\/o error, read; applied before it: lines 1–6 \(6 accepted/);
    assert.equal(outcome.applied.accepted, 6);
    assert.equal((await h.day(APP, '20240620')).RegistUserNumOneDay, 6);
  } finally {
    await h.close();
  }
});

test('a file chunk applied before batch ids were scoped by app (ndjson:<line>:<hash>) is not counted again', async () => {
  const h = await pipelineHarness('sqlite', NOW);
  try {
    await h.apps.create({ sdkappid: APP, name: 'upgrade', createdAt: 0 });
    const lines = [0, 1, 2].map((i) => JSON.stringify({ type: 'user.register', time: NOW - 3_600_000, user: `u${i}` }));
    const more = [3, 4].map((i) => JSON.stringify({ type: 'user.register', time: NOW - 3_600_000, user: `u${i}` }));
    // What the version before the upgrade recorded for the first chunk (its format, written out).
    const { createHash } = await import('node:crypto');
    const legacy = `ndjson:1:${createHash('sha256').update(lines.join('\n')).digest('base64url')}`;
    await h.store.db.insertInto('applied_batches').values({ batch_id: legacy, applied_at: NOW - 60_000 }).execute();
    const summary = await ingestStream(h.ingestor, Readable.from([...lines, ...more].map((l) => `${l}\n`)), { sdkappid: APP, batchLines: 3 });
    assert.deepEqual({ accepted: summary.accepted, alreadyApplied: summary.alreadyApplied, skipped: summary.skippedBatches }, { accepted: 2, alreadyApplied: 3, skipped: 1 });
    assert.equal((await h.day(APP, '20240620')).RegistUserNumOneDay, 2);
  } finally {
    await h.close();
  }
});
