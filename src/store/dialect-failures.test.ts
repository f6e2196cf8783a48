// Real failures of the networked databases, each produced for real (no mocked driver errors), and
// what the dialect makes of them: which 1300xx code (open → 130009, ping → 130010, query →
// 130011), whether the batch may simply be retried, and whether the pool recovers by itself.
// Also the pool settings that matter with several nodes: the size cap and idle connections
// being closed. SQLite has no connections; its file-level faults are in rest/db-failures.test.ts.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { createConnection } from 'mysql2/promise';
import type { Database } from './schema.js';
import { MysqlStoreDialect } from './dialects/mysql/mysql-dialect.js';
import { PostgresStoreDialect } from './dialects/postgres/postgres-dialect.js';
import type { StoreDialect } from './dialects/dialect.js';
import { guard, StoreError } from './store-error.js';
import { openStore, type Store } from './store.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../../test/support/test-databases.js';
import { TcpProxy } from '../../test/support/tcp-proxy.js';

type Networked = 'postgres' | 'mysql';

/** A superuser connection to the same server, to see and kill the store's connections. */
interface Admin {
  /** Connections open to the test database (the admin's own excluded). */
  connections(): Promise<number>;
  /** Ids of the connections running a statement that contains `text`. */
  running(text: string): Promise<number[]>;
  /** Kills connections (all of the test database's when no ids are given). */
  kill(ids?: number[]): Promise<void>;
  close(): Promise<void>;
}

async function admin(kind: Networked, db: TestDatabase): Promise<Admin> {
  const name = new URL(db.url).pathname.slice(1);
  if (kind === 'postgres') {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const others = `datname = $1 and pid <> pg_backend_pid()`;
    return {
      connections: async () => Number((await c.query(`select count(*) as n from pg_stat_activity where ${others}`, [name])).rows[0].n),
      running: async (text) =>
        (await c.query(`select pid from pg_stat_activity where ${others} and state = 'active' and position($2 in query) > 0`, [name, text])).rows.map((r) => r.pid as number),
      kill: async (ids) => {
        if (ids) for (const id of ids) await c.query('select pg_terminate_backend($1)', [id]);
        else await c.query(`select pg_terminate_backend(pid) from pg_stat_activity where ${others}`, [name]);
      },
      close: () => c.end(),
    };
  }
  const c = await createConnection(db.url);
  const others = `db = ? and id <> connection_id()`;
  const ids = async (where: string, params: unknown[]) =>
    ((await c.query(`select id from information_schema.processlist where ${others} ${where}`, [name, ...params]))[0] as { id: number }[]).map((r) => Number(r.id));
  return {
    connections: async () => (await ids('', [])).length,
    running: (text) => ids(`and command = 'Query' and locate(?, info) > 0`, [text]),
    kill: async (list) => {
      for (const id of list ?? (await ids('', []))) await c.query(`kill ${Number(id)}`).catch(() => {});
    },
    close: () => c.end(),
  };
}

const dialectFor = (kind: Networked, url: string, options: { poolSize?: number; idleTimeoutMs?: number } = {}): StoreDialect =>
  kind === 'postgres' ? new PostgresStoreDialect({ url, ...options }) : new MysqlStoreDialect({ url, ...options });

/** A store over an existing (migrated) database with chosen pool settings. */
function storeWith(kind: Networked, url: string, options: { poolSize?: number; idleTimeoutMs?: number }): Store {
  const dialect = dialectFor(kind, url, options);
  const db = dialect.createKysely();
  return { db, dialect, description: kind, close: () => db.destroy() };
}

const sleep = (kind: Networked, seconds: number) => (kind === 'postgres' ? sql`select pg_sleep(${seconds})` : sql`select sleep(${seconds})`);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The StoreError `run` fails with, as guard() classifies it. */
async function failure(dialect: StoreDialect, run: () => Promise<unknown>): Promise<StoreError> {
  try {
    await guard(dialect, 'test', run);
  } catch (err) {
    assert.ok(err instanceof StoreError, String(err));
    return err;
  }
  assert.fail('expected a failure');
}

const ping = (store: Store) => guard(store.dialect, 'ping', () => store.dialect.ping(store.db));

/** Polls `check` until it holds (the test fails after `tries`). */
async function eventually(what: string, check: () => Promise<boolean>, tries = 100): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await pause(50);
  }
  assert.fail(`never: ${what}`);
}

const networked = testDatabaseKinds().filter((k): k is Networked => k !== 'sqlite');

for (const kind of networked) {
  describe(`${kind}: failures are classified, and the pool recovers by itself`, () => {
    let db: TestDatabase;
    let store: Store;
    let server: Admin;
    before(async () => {
      db = await createTestDatabase(kind);
      store = await openStore(db.url);
      server = await admin(kind, db);
    });
    after(async () => {
      await server.close();
      await store.close();
      await db.drop();
    });

    test('cannot connect → open (130009): no such database, unknown user, refused port, reset during the handshake', async () => {
      const url = new URL(db.url);
      const urls: string[] = [];
      url.pathname = '/imstats_no_such_database';
      urls.push(url.toString());
      url.pathname = new URL(db.url).pathname;
      url.username = 'imstats_no_such_user';
      urls.push(url.toString());
      url.username = new URL(db.url).username;
      const free = createServer();
      await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
      url.port = String((free.address() as { port: number }).port);
      await new Promise((r) => free.close(r));
      urls.push(url.toString());
      const proxy = await TcpProxy.start({ host: new URL(db.url).hostname, port: Number(new URL(db.url).port) });
      await proxy.cut('reset');
      url.port = String(proxy.port);
      urls.push(url.toString());
      try {
        for (const u of urls) {
          const dialect = dialectFor(kind, u);
          const kysely = dialect.createKysely();
          try {
            const err = await failure(dialect, () => dialect.ping(kysely));
            assert.equal(err.failure, 'open', `${u}: ${err.message}`);
            assert.equal(dialect.isRetryable(err.cause), false);
          } finally {
            await kysely.destroy();
          }
        }
        assert.ok(proxy.turnedAway >= 1, 'the reset case reached the proxy');
      } finally {
        await proxy.close();
      }
    });

    test('a statement the database rejects → query (130011), not retried', async () => {
      const err = await failure(store.dialect, () => sql`select * from imstats_no_such_table`.execute(store.db));
      assert.equal(err.failure, 'query');
      assert.equal(store.dialect.isRetryable(err.cause), false);
      await ping(store);
    });

    test('the server kills the connection in the middle of a query → ping (130010); the next query succeeds', async () => {
      const running = failure(store.dialect, () => sleep(kind, 30).execute(store.db));
      let ids: number[] = [];
      await eventually('the query runs on the server', async () => (ids = await server.running('sleep(')).length === 1);
      await server.kill(ids);
      const err = await running;
      assert.equal(err.failure, 'ping', err.message);
      // Not the killed connection, returned to the pool before its socket closed.
      for (let i = 0; i < 3; i++) await ping(store);
    });

    test('the server drops every pooled connection (as a restart does) → the next query reconnects', async () => {
      await Promise.all([1, 2, 3].map(() => sleep(kind, 0.2).execute(store.db)));
      assert.ok((await server.connections()) >= 3, 'the pool holds idle connections');
      await server.kill();
      await eventually('the server closed them', async () => (await server.connections()) === 0);
      // The closed sockets reach the pool as events; one turn of the loop and they are gone.
      await pause(50);
      await ping(store);
      await Promise.all([1, 2, 3, 4].map(() => ping(store)));
    });

    test('deadlock → retryable (the batch transaction is run again)', async () => {
      await store.db.insertInto('app_state').values([1, 2].map((sdkappid) => ({ sdkappid, presence_clock: 0, online_users: 0, version: 0 }))).execute();
      const lock = (tx: Kysely<Database>, id: number) => tx.updateTable('app_state').set({ version: id }).where('sdkappid', '=', id).execute();
      let firstLocked!: () => void;
      let secondLocked!: () => void;
      const first = new Promise<void>((r) => (firstLocked = r));
      const second = new Promise<void>((r) => (secondLocked = r));
      const results = await Promise.allSettled([
        guard(store.dialect, 'a', () =>
          store.db.transaction().execute(async (tx) => {
            await lock(tx, 1);
            firstLocked();
            await second;
            await lock(tx, 2);
          }),
        ),
        guard(store.dialect, 'b', () =>
          store.db.transaction().execute(async (tx) => {
            await lock(tx, 2);
            secondLocked();
            await first;
            await lock(tx, 1);
          }),
        ),
      ]);
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(failed.length, 1, 'the database broke the cycle by failing one transaction');
      const err = failed[0]!.reason as StoreError;
      assert.equal(err.failure, 'query');
      assert.equal(store.dialect.isRetryable(err.cause), true, err.message);
    });

    test('the pool size caps the connections; idle ones are closed after the idle time-out', async () => {
      // Only the small pool's connections are counted.
      await store.close();
      await eventually('the suite store disconnected', async () => (await server.connections()) === 0);
      const small = storeWith(kind, db.url, { poolSize: 2, idleTimeoutMs: 300 });
      try {
        let most = 0;
        let done = false;
        const watching = (async () => {
          while (!done) {
            most = Math.max(most, await server.connections());
            await pause(20);
          }
        })();
        await Promise.all([1, 2, 3, 4, 5].map(() => sleep(kind, 0.3).execute(small.db)));
        done = true;
        await watching;
        assert.equal(most, 2, 'five concurrent queries on a pool of two');
        await eventually('the idle connections were closed', async () => (await server.connections()) === 0);
        await ping(small);
        assert.equal(await server.connections(), 1, 'a query after that opens one again');
      } finally {
        await small.close();
        store = await openStore(db.url);
      }
    });
  });
}
