// The repository's copy of metrics.md (what the field-name tests read) is the shared spec's text.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedSpecDir, SPEC_COPY } from './support/spec-fields.js';

const shared = sharedSpecDir();

test('test/fixtures/spec/metrics.md equals shared/spec/metrics.md', { skip: shared === undefined && 'no shared/spec/ above this checkout (set IMSTATS_SPEC_DIR)' }, () => {
  assert.equal(readFileSync(SPEC_COPY, 'utf8'), readFileSync(join(shared!, 'metrics.md'), 'utf8'), 'copy the spec again: cp ../shared/spec/metrics.md test/fixtures/spec/');
});
