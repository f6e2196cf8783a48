import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { SqliteStoreDialect } from '../store/dialects/sqlite/sqlite-dialect.js';
import { migrateToLatest } from '../store/migrations/index.js';
import type { Store } from '../store/store.js';
import { addDays } from '../time/calendar-day.js';
import { codeOf, envelopeOf, openRestHarness, SDKAPPID, TODAY, type RestHarness } from '../../test/support/rest-test-harness.js';

// File-level faults (a removed, locked or altered database file) are SQLite's; the server-side
// databases reach the same codes through the same StoreError mapping. Runs whatever
// IMSTATS_TEST_DATABASES says, since SQLite needs no server.
describe('database failures answer 1300xx over HTTP 200, and the next call after recovery succeeds (SQLite file)', () => {
  let dir: string;
  let path: string;
  let h: RestHarness;

  /** Another connection to the same file, as an operator's sqlite3 shell would be. */
  const withOther = <T>(file: string, use: (db: BetterSqlite3.Database) => T): T => {
    const db = new BetterSqlite3(file);
    try {
      return use(db);
    } finally {
      db.close();
    }
  };
  /** Past the app cache's TTL, so the next call reads the app from the database again. */
  const expireAppCache = () => h.clock.advance(1001);
  const healthz = () => h.app.inject({ method: 'GET', url: '/healthz' });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'imstats-dbfail-'));
    path = join(dir, 'imstats.db');
    // A short busy timeout keeps the locked-file case quick; everything else is the real dialect.
    const dialect = new SqliteStoreDialect({ path, busyTimeoutMs: 50 });
    const db = dialect.createKysely();
    const { error } = await migrateToLatest(db, dialect);
    if (error) throw error;
    const store: Store = { db, dialect, description: path, close: () => db.destroy() };
    h = await openRestHarness(store);
    await h.seedDay(addDays(TODAY, -1), { LoginTimes: 5 });
  });
  after(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('baseline: the call succeeds', async () => {
    assert.equal(envelopeOf(await h.call({ body: '{}' })).Result![0]!.LoginTimes, '5');
  });

  test('130009: the database file is removed; restored, the next call succeeds without a restart', async () => {
    withOther(path, (db) => db.pragma('wal_checkpoint(TRUNCATE)'));
    copyFileSync(path, `${path}.backup`);
    unlinkSync(path);
    expireAppCache();
    const env = envelopeOf(await h.call({ body: '{}' }));
    assert.deepEqual([env.ActionStatus, env.ErrorCode], ['FAIL', 130009]);
    assert.match(env.ErrorInfo, /database cannot be opened/);
    assert.ok(!env.ErrorInfo.includes(dir), 'no file path in ErrorInfo');
    const health = await healthz();
    assert.equal(health.statusCode, 503);
    assert.deepEqual(health.json(), { status: 'unavailable', database: 'open' });

    renameSync(`${path}.backup`, path);
    assert.equal(envelopeOf(await h.call({ body: '{}' })).Result![0]!.LoginTimes, '5');
    assert.equal((await healthz()).statusCode, 200);
  });

  test('130010: the file is held by another connection with an exclusive lock; released, the next call succeeds', async () => {
    withOther(path, (db) => db.pragma('wal_checkpoint(TRUNCATE)'));
    copyFileSync(path, `${path}.locked`);
    const locker = new BetterSqlite3(`${path}.locked`);
    try {
      locker.pragma('locking_mode = EXCLUSIVE');
      locker.prepare('select count(*) from apps').get();
      // An operator swaps in a file someone holds exclusively: the server reopens it and waits in vain.
      renameSync(`${path}.locked`, path);
      expireAppCache();
      const env = envelopeOf(await h.call({ body: '{}' }));
      assert.equal(env.ErrorCode, 130010, env.ErrorInfo);
      assert.match(env.ErrorInfo, /does not answer/);
    } finally {
      locker.close();
    }
    assert.equal(codeOf(await h.call({ body: '{}' })), 0);
  });

  function bumpVersion(db: BetterSqlite3.Database): void {
    db.prepare('update app_state set version = version + 1 where sdkappid = ?').run(SDKAPPID);
  }

  test('130011: a query fails (the stats table is gone); put back, the next call succeeds', async () => {
    // Writers bump the app's data version (as ingestion does), so the answer is not served from cache.
    withOther(path, (db) => {
      db.exec('alter table stats rename to stats_moved');
      bumpVersion(db);
    });
    const env = envelopeOf(await h.call({ body: '{}' }));
    assert.equal(env.ErrorCode, 130011, env.ErrorInfo);
    assert.match(env.ErrorInfo, /query failed/);
    assert.ok(!/stats|sql/i.test(env.ErrorInfo), 'no SQL detail in ErrorInfo');
    withOther(path, (db) => {
      db.exec('alter table stats_moved rename to stats');
      bumpVersion(db);
    });
    assert.equal(envelopeOf(await h.call({ body: '{}' })).Result![0]!.LoginTimes, '5');
  });

  test('130012: a stored value cannot be decoded; repaired, the next call succeeds', async () => {
    withOther(path, (db) => {
      db.prepare("update stats set LoginTimes = 'five' where sdkappid = ?").run(SDKAPPID);
      bumpVersion(db);
    });
    const env = envelopeOf(await h.call({ body: '{}' }));
    assert.equal(env.ErrorCode, 130012, env.ErrorInfo);
    assert.match(env.ErrorInfo, /could not be decoded/);
    withOther(path, (db) => {
      db.prepare('update stats set LoginTimes = 6 where sdkappid = ?').run(SDKAPPID);
      bumpVersion(db);
    });
    assert.equal(envelopeOf(await h.call({ body: '{}' })).Result![0]!.LoginTimes, '6');
  });

  test('a database failure during authentication is a 1300xx too, not a 5xx', async () => {
    // The app cache reads the registry's version once its TTL has passed, and the app itself when that changed.
    withOther(path, (db) => db.exec('alter table apps_version rename to apps_version_moved'));
    expireAppCache();
    assert.equal(codeOf(await h.call({ body: '{}' })), 130011);
    withOther(path, (db) => db.exec('alter table apps_version_moved rename to apps_version'));
    withOther(path, (db) => db.exec('alter table apps rename to apps_moved; update apps_version set version = version + 1'));
    expireAppCache();
    assert.equal(codeOf(await h.call({ body: '{}' })), 130011);
    withOther(path, (db) => db.exec('alter table apps_moved rename to apps'));
    assert.equal(codeOf(await h.call({ body: '{}' })), 0);
  });
});
