// A database made by a released version is brought forward by `imstats migrate` with its data
// intact. The databases are dumps the release of commit 3ceddfe wrote itself (schema 001 only;
// test/fixtures/release-3ceddfe/make-fixture.mjs), and the expected numbers are what that
// release answered, so neither the old schema nor the expectations come from today's code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../../../test/support/test-databases.js';
import { loadSqlDump } from '../../../test/support/load-sql-dump.js';
import { runCaptured } from '../../cli/run-captured.js';
import { buildApp } from '../../server/build-app.js';
import { makeUserSig } from '../../usersig/make-usersig.js';
import { openStore } from '../store.js';

const FIXTURE = new URL('../../../../test/fixtures/release-3ceddfe/', import.meta.url);

interface Expected {
  readonly now: number;
  readonly range: { readonly from: string; readonly to: string };
  /** Per SDKAppID: `imstats query --format json` over the range. */
  readonly query: Record<string, unknown>;
  /** Per SDKAppID: getappinfo's answer without a body (`default`) and over the range (`range`). */
  readonly getappinfo: Record<string, { readonly default: unknown; readonly range: unknown }>;
}
const expected = JSON.parse(readFileSync(new URL('expected.json', FIXTURE), 'utf8')) as Expected;
/** The secret keys make-fixture.mjs gave the two apps. */
const KEYS: Record<string, string> = { '1400000001': 'a'.repeat(64), '1400000002': 'b'.repeat(64) };

async function releaseDatabase(kind: TestDatabase['kind']): Promise<TestDatabase> {
  const database = await createTestDatabase(kind);
  await loadSqlDump(database, readFileSync(new URL(`${kind}.sql`, FIXTURE), 'utf8'));
  return database;
}

/** Tables with their columns (name, type, nullability, default), sorted; Kysely's own tables left out. */
async function schemaOf(url: string) {
  const store = await openStore(url, { migrate: false });
  try {
    const tables = await (store.db as unknown as Kysely<unknown>).introspection.getTables();
    return tables
      .filter((t) => !t.name.startsWith('kysely_'))
      .map((t) => ({
        table: t.name,
        columns: t.columns.map((c) => `${c.name} ${c.dataType}${c.isNullable ? '' : ' not null'}${c.hasDefaultValue ? ' default' : ''}`).sort(),
      }))
      .sort((a, b) => (a.table < b.table ? -1 : 1));
  } finally {
    await store.close();
  }
}

for (const kind of testDatabaseKinds()) {
  test(`a database of the 3ceddfe release: imstats migrate keeps every number it answered (${kind})`, async () => {
    const database = await releaseDatabase(kind);
    const now = () => expected.now;
    try {
      const migrate = await runCaptured(['migrate', '--db', database.url], { now });
      assert.equal(migrate.code, 0, migrate.stderr);
      assert.match(migrate.stdout, /001-initial\s+already applied/);
      assert.match(migrate.stdout, /005-compact-sets\s+applied now/);
      assert.doesNotMatch(migrate.stdout, /failed|not run/);

      for (const [sdkappid, rows] of Object.entries(expected.query)) {
        const { from, to } = expected.range;
        const query = await runCaptured(['query', '--db', database.url, '--sdkappid', sdkappid, '--from', from, '--to', to, '--format', 'json'], { now });
        assert.equal(query.code, 0, query.stderr);
        assert.deepEqual(JSON.parse(query.stdout), rows, `imstats query ${sdkappid}`);
      }

      const store = await openStore(database.url, { migrate: false });
      const app = buildApp({ store, nowMs: now, answerCacheTtlMs: 0 });
      try {
        await app.ready();
        for (const [sdkappid, answers] of Object.entries(expected.getappinfo)) {
          const usersig = makeUserSig({ sdkappid: Number(sdkappid), identifier: 'administrator', key: KEYS[sdkappid]!, nowSeconds: Math.floor(expected.now / 1000) });
          const url = `/v4/openconfigsvr/getappinfo?${new URLSearchParams({ sdkappid, identifier: 'administrator', usersig, random: '1', contenttype: 'json' })}`;
          const call = (payload: string) => app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });
          assert.deepEqual((await call('')).json(), answers.default, `getappinfo ${sdkappid}, default days`);
          const range = JSON.stringify({ StartDate: expected.range.from, EndDate: expected.range.to });
          assert.deepEqual((await call(range)).json(), answers.range, `getappinfo ${sdkappid}, StartDate..EndDate`);
        }
      } finally {
        await app.close();
        await store.close();
      }

      // Later events count against what the release stored: fixture-alice (online on iOS since
      // 00:30 on the 13th, counted in LoginUserNum) logs in again on Web; bob-new is new.
      const events = [
        { type: 'user.login', time: Date.parse('2024-06-13T09:00:00+08:00'), sdkappid: 1400000001, user: 'fixture-alice', platform: 'Web' },
        { type: 'user.login', time: Date.parse('2024-06-13T09:01:00+08:00'), sdkappid: 1400000001, user: 'fixture-new', platform: 'Web' },
      ];
      const day13 = (rows: unknown) => (rows as Record<string, string>[]).find((r) => r.Date === '20240613')!;
      const before = day13(expected.query['1400000001']);
      const ingest = await runCaptured(['ingest', '--db', database.url, '-'], { now, stdin: events.map((e) => JSON.stringify(e)).join('\n') + '\n' });
      assert.equal(ingest.code, 0, ingest.stderr);
      const after = await runCaptured(['query', '--db', database.url, '--sdkappid', '1400000001', '--from', '20240613', '--to', '20240613', '--format', 'json'], { now });
      const [row] = JSON.parse(after.stdout) as Record<string, string>[];
      assert.equal(Number(row!.LoginTimes), Number(before.LoginTimes) + 2);
      assert.equal(Number(row!.LoginUserNum), Number(before.LoginUserNum) + 1, 'fixture-alice was already counted');
      assert.equal(row!.MaxOnlineNum, '3', 'alice and bob (sessions the release stored) and the new user');
    } finally {
      await database.drop();
    }
  });

  test(`a migrated 3ceddfe database has the schema of a fresh one (${kind})`, async () => {
    // The columns a catalog change adds must reach old databases through a migration, not by
    // rewriting 001 (which old databases never run again).
    const old = await releaseDatabase(kind);
    const fresh = await createTestDatabase(kind);
    try {
      assert.equal((await runCaptured(['migrate', '--db', old.url])).code, 0);
      assert.equal((await runCaptured(['migrate', '--db', fresh.url])).code, 0);
      assert.deepEqual(await schemaOf(old.url), await schemaOf(fresh.url));
    } finally {
      await old.drop();
      await fresh.drop();
    }
  });
}
