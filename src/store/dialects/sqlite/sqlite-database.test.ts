// The prepared-statement cache is bounded by the SQL it holds, not by a count: a statement's
// native memory grows with its text and V8 cannot see it (see STATEMENT_CACHE_CHARS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReopeningSqliteDatabase, STATEMENT_CACHE_CHARS, STATEMENT_CACHE_ENTRY_CHARS } from './sqlite-database.js';

/** A `select` with an IN list of placeholders, its text at least `chars` long, distinct per `tag`. */
function selectOf(chars: number, tag: number): string {
  const head = `select ${tag} as tag where 0 in (0`;
  return `${head}${', ?'.repeat(Math.ceil(Math.max(0, chars - head.length) / 3))})`;
}

function withDatabase(run: (db: ReopeningSqliteDatabase) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'imstats-statements-'));
  const db = new ReopeningSqliteDatabase({ path: join(dir, 'imstats.db'), busyTimeoutMs: 0 });
  try {
    run(db);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a short statement is prepared once and reused', () => {
  withDatabase((db) => {
    const sql = 'select 1 as one';
    assert.equal(db.prepare(sql), db.prepare(sql));
  });
});

test('a statement longer than the per-entry budget is prepared anew each time, not kept', () => {
  withDatabase((db) => {
    const sql = selectOf(STATEMENT_CACHE_ENTRY_CHARS + 1, 1);
    assert.notEqual(db.prepare(sql), db.prepare(sql));
  });
});

test('statements past the cache budget in characters push out the least recently used, long before 256 of them', () => {
  withDatabase((db) => {
    const each = Math.floor(STATEMENT_CACHE_ENTRY_CHARS / 2);
    const count = Math.ceil((2 * STATEMENT_CACHE_CHARS) / each);
    assert.ok(count < 256, 'the budget, not the count, must be what evicts');
    const first = selectOf(each, 0);
    const kept = db.prepare(first);
    assert.equal(db.prepare(first), kept, 'cached while the budget holds it');
    for (let tag = 1; tag <= count; tag++) db.prepare(selectOf(each, tag));
    assert.notEqual(db.prepare(first), kept, 'evicted once the later statements filled the budget twice over');
  });
});
