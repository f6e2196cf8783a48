// `imstats app list` lines up Chinese app names: columns are measured in terminal columns (a CJK
// character is two wide), not in code points.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestDatabase } from '../../test/support/test-databases.js';
import { runCaptured } from './run-captured.js';

test('app list aligns the columns after Chinese, emoji and Latin names', async () => {
  const database = await createTestDatabase('sqlite');
  const now = () => Date.UTC(2025, 0, 15, 4, 0, 0);
  try {
    for (const [id, name] of [['1400000001', '示例应用'], ['1400000002', 'Demo'], ['1400000003', 'café 😀']] as const) {
      const run = await runCaptured(['--db', database.url, 'app', 'create', '--sdkappid', id, '--name', name, '--company', 'ACME'], { now });
      assert.equal(run.code, 0, run.stderr);
    }
    const list = await runCaptured(['--db', database.url, 'app', 'list']);
    assert.equal(list.code, 0, list.stderr);
    const lines = list.stdout.split('\n');
    // SDKAPPID is right-aligned; NAME is 8 columns wide (示例应用: four double-width characters; café 😀: 4 + 1 + 2), then two spaces.
    assert.equal(lines[0]!.slice(0, 30), '  SDKAPPID  NAME      COMPANY ');
    assert.equal(lines[1]!.slice(0, 29), '----------  --------  -------');
    assert.ok(lines[2]!.startsWith('1400000001  示例应用  ACME     '), lines[2]);
    assert.ok(lines[3]!.startsWith('1400000002  Demo      ACME     '), lines[3]);
    assert.ok(lines[4]!.startsWith('1400000003  café 😀   ACME     '), lines[4]);
  } finally {
    await database.drop();
  }
});
