import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INGEST_NODE_FLAGS, missingNodeFlags } from './heap-limit.js';

test('ingest asks for a capped heap unless the process already has one; other commands need nothing', () => {
  assert.deepEqual(missingNodeFlags(['ingest', 'file.ndjson'], []), INGEST_NODE_FLAGS);
  assert.deepEqual(missingNodeFlags(['ingest', '-'], ['--max-old-space-size=1024']), []);
  assert.deepEqual(missingNodeFlags(['serve', '--demo'], []), []);
  assert.deepEqual(missingNodeFlags([], []), []);
});
