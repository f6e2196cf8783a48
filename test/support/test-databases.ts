import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createConnection } from 'mysql2/promise';
import { openStore, type Store } from '../../src/store/store.js';

/** A database kind the shared suites can run on. */
export type TestDatabaseKind = 'sqlite' | 'postgres' | 'mysql';

const SERVER_URLS = {
  postgres: process.env.IMSTATS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  mysql: process.env.IMSTATS_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test',
};

/** The kinds named by IMSTATS_TEST_DATABASES (default: sqlite). */
export function testDatabaseKinds(): TestDatabaseKind[] {
  const kinds = (process.env.IMSTATS_TEST_DATABASES ?? 'sqlite').split(',').map((s) => s.trim()).filter(Boolean);
  for (const k of kinds) {
    if (k !== 'sqlite' && k !== 'postgres' && k !== 'mysql') throw new Error(`IMSTATS_TEST_DATABASES: unknown database "${k}"`);
  }
  return kinds as TestDatabaseKind[];
}

/** A fresh, empty database of one kind, with a URL any imstats process can open. */
export interface TestDatabase {
  readonly kind: TestDatabaseKind;
  readonly url: string;
  /** Drops the database (or removes the file). */
  drop(): Promise<void>;
}

function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates a uniquely named empty database (a temp file for SQLite). */
export async function createTestDatabase(kind: TestDatabaseKind): Promise<TestDatabase> {
  const name = `imstats_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  switch (kind) {
    case 'sqlite': {
      const dir = mkdtempSync(join(tmpdir(), 'imstats-test-'));
      return { kind, url: `sqlite:${join(dir, 'imstats.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
    }
    case 'postgres': {
      const admin = new pg.Client({ connectionString: SERVER_URLS.postgres });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      return {
        kind,
        url: withDatabase(SERVER_URLS.postgres, name),
        drop: async () => {
          const c = new pg.Client({ connectionString: SERVER_URLS.postgres });
          await c.connect();
          await c.query(`drop database if exists ${name} with (force)`);
          await c.end();
        },
      };
    }
    case 'mysql': {
      const admin = await createConnection(SERVER_URLS.mysql);
      await admin.query(`create database ${name} character set utf8mb4 collate utf8mb4_bin`);
      await admin.end();
      return {
        kind,
        url: withDatabase(SERVER_URLS.mysql, name),
        drop: async () => {
          const c = await createConnection(SERVER_URLS.mysql);
          await c.query(`drop database if exists ${name}`);
          await c.end();
        },
      };
    }
  }
}

/** A fresh database, opened and migrated. */
export async function openTestStore(kind: TestDatabaseKind): Promise<Store & { readonly testDatabase: TestDatabase }> {
  const testDatabase = await createTestDatabase(kind);
  const store = await openStore(testDatabase.url);
  return {
    ...store,
    testDatabase,
    close: async () => {
      await store.close();
      await testDatabase.drop();
    },
  };
}
