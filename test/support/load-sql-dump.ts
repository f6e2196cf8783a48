// Loads a database dump (sqlite3 .dump, pg_dump --inserts, mariadb-dump) into an empty test
// database, statements as the dump tool wrote them, through each database's own driver.
import Database from 'better-sqlite3';
import pg from 'pg';
import { createConnection } from 'mysql2/promise';
import type { TestDatabase } from './test-databases.js';

/** Runs every statement of `dump` against the empty `database`. */
export async function loadSqlDump(database: TestDatabase, dump: string): Promise<void> {
  switch (database.kind) {
    case 'sqlite': {
      const db = new Database(database.url.slice('sqlite:'.length));
      try {
        db.exec(dump);
      } finally {
        db.close();
      }
      return;
    }
    case 'postgres': {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        await client.query(dump); // simple query protocol: many statements in one call
      } finally {
        await client.end();
      }
      return;
    }
    case 'mysql': {
      const connection = await createConnection({ uri: database.url, multipleStatements: true });
      try {
        await connection.query(dump);
      } finally {
        await connection.end();
      }
      return;
    }
  }
}
