// SQLite transactions take the write lock when they begin, so a second writer waits on the busy
// timeout at its own `begin` instead of failing on a lock upgrade in the middle of its work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { SqliteStoreDialect } from './sqlite-dialect.js';

test('a Kysely transaction holds the write lock from begin, before it has written anything', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'imstats-immediate-'));
  const path = join(dir, 'imstats.db');
  const db = new SqliteStoreDialect({ path, busyTimeoutMs: 0 }).createKysely();
  const other = new BetterSqlite3(path, { timeout: 0 });
  try {
    await sql`create table t (x integer)`.execute(db);
    await db.transaction().execute(async (tx) => {
      // Only a read so far: a deferred `begin` would hold no write lock yet.
      await sql`select count(*) from t`.execute(tx);
      assert.throws(() => other.exec('begin immediate'), { code: 'SQLITE_BUSY' });
    });
    // Committed: the lock is free again.
    other.exec('begin immediate');
    other.exec('insert into t values (1)');
    other.exec('commit');
    const { rows } = await sql<{ n: number }>`select count(*) as n from t`.execute(db);
    assert.equal(rows[0]!.n, 1);
  } finally {
    other.close();
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});
