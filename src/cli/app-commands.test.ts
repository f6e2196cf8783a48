import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../../test/support/test-databases.js';
import { decodeUserSig, DEFAULT_USERSIG_EXPIRE_SECONDS, verifyUserSig } from '../usersig/index.js';
import { runCaptured, type CapturedRun } from './run-captured.js';

const NOW = Date.UTC(2025, 0, 15, 4, 0, 0);

/** A user error: exit 1, one line on stderr, no stack trace, nothing on stdout. */
function assertUserError(run: CapturedRun, pattern: RegExp): void {
  assert.equal(run.code, 1, `exit code; stderr: ${run.stderr}`);
  assert.match(run.stderr, pattern);
  assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace');
  assert.equal(run.stdout, '');
}

for (const kind of testDatabaseKinds()) {
  describe(`imstats app, usersig, migrate (${kind})`, () => {
    let database: TestDatabase;
    const cli = (...args: string[]) => runCaptured([...args, '--db', database.url], { now: () => NOW });
    const appOf = (run: CapturedRun) => {
      assert.equal(run.code, 0, run.stderr);
      return JSON.parse(run.stdout) as Record<string, unknown>;
    };

    before(async () => {
      database = await createTestDatabase(kind);
    });
    after(() => database.drop());

    test('migrate on an empty database applies every migration, then finds them applied', async () => {
      const first = await cli('migrate');
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /^001-initial\s+applied now$/m);
      assert.match(first.stdout, /is up to date/);
      const second = await cli('migrate');
      assert.match(second.stdout, /^001-initial\s+already applied$/m);
    });

    test('app list on an empty registry prints nothing and says how to create one', async () => {
      const run = await cli('app', 'list');
      assert.equal(run.code, 0);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /imstats app create/);
    });

    test('app create prints the app as JSON, key included; defaults for key, admin and time zone', async () => {
      const app = appOf(await cli('app', 'create', '--sdkappid', '1400000001', '--name', 'Chat', '--company', 'Acme'));
      assert.equal(app.sdkappid, 1400000001);
      assert.equal(app.name, 'Chat');
      assert.equal(app.company, 'Acme');
      assert.match(String(app.secretKey), /^[0-9a-f]{64}$/);
      assert.deepEqual(app.admins, ['administrator']);
      assert.equal(app.timezone, 'Asia/Shanghai');
      assert.equal(app.enabled, true);
      assert.equal(app.createdAt, new Date(NOW).toISOString());
      assert.equal(app.callbackToken, null);
    });

    test('app create with --key, repeated --admin and --timezone', async () => {
      const app = appOf(
        await cli('app', 'create', '--sdkappid', '1400000002', '--name', 'Ops', '--company', 'Acme', '--key', 'k3y', '--admin', 'root', '--admin', 'ops', '--timezone', 'Europe/Paris'),
      );
      assert.equal(app.secretKey, 'k3y');
      assert.deepEqual(app.admins, ['ops', 'root']);
      assert.equal(app.timezone, 'Europe/Paris');
    });

    test('app create refuses a duplicate id, a bad time zone, a bad id and missing options', async () => {
      assertUserError(await cli('app', 'create', '--sdkappid', '1400000001', '--name', 'X', '--company', 'Y'), /^error: app 1400000001 already exists\n$/);
      assertUserError(await cli('app', 'create', '--sdkappid', '7', '--name', 'X', '--company', 'Y', '--timezone', 'Mars/Base'), /Mars\/Base/);
      assertUserError(await cli('app', 'create', '--sdkappid', '-3', '--name', 'X', '--company', 'Y'), /--sdkappid.*positive integer/);
      assertUserError(await cli('app', 'create', '--sdkappid', '12abc', '--name', 'X', '--company', 'Y'), /positive integer, got "12abc"/);
      assertUserError(await cli('app', 'create', '--sdkappid', '8', '--company', 'Y'), /required option '--name <s>' not specified/);
      assertUserError(await cli('app', 'create', '--sdkappid', '8', '--name', ' ', '--company', 'Y'), /name must not be empty/);
    });

    test('app list shows every app in a table without keys', async () => {
      const run = await cli('app', 'list');
      assert.equal(run.code, 0, run.stderr);
      const lines = run.stdout.trimEnd().split('\n');
      assert.match(lines[0]!, /^\s*SDKAPPID\s+NAME\s+COMPANY\s+ADMINS\s+TIMEZONE\s+ENABLED\s+CREATED$/);
      assert.match(lines[2]!, /^1400000001\s+Chat\s+Acme\s+administrator\s+Asia\/Shanghai\s+yes\s+2025-01-15 04:00:00Z$/);
      assert.match(lines[3]!, /^1400000002\s+Ops\s+Acme\s+ops,root\s+Europe\/Paris\s+yes/);
      assert.equal(lines.length, 4);
      assert.doesNotMatch(run.stdout, /k3y/);
    });

    test('app show prints one app; an unknown or malformed id is a one-line error', async () => {
      assert.equal(appOf(await cli('app', 'show', '1400000002')).secretKey, 'k3y');
      assertUserError(await cli('app', 'show', '999'), /^error: app 999 does not exist\n$/);
      assertUserError(await cli('app', 'show', 'abc'), /invalid for argument 'sdkappid'/);
      assertUserError(await cli('app', 'show'), /missing required argument 'sdkappid'/);
    });

    test('app admin add and remove; the last admin cannot be removed', async () => {
      assert.deepEqual(appOf(await cli('app', 'admin', 'add', '1400000001', 'alice')).admins, ['administrator', 'alice']);
      assert.deepEqual(appOf(await cli('app', 'admin', 'add', '1400000001', 'alice')).admins, ['administrator', 'alice']);
      assert.deepEqual(appOf(await cli('app', 'admin', 'remove', '1400000001', 'administrator')).admins, ['alice']);
      assertUserError(await cli('app', 'admin', 'remove', '1400000001', 'alice'), /keeps at least one admin/);
      assertUserError(await cli('app', 'admin', 'remove', '1400000001', 'bob'), /"bob" is not an admin of app 1400000001/);
      assertUserError(await cli('app', 'admin', 'add', '999', 'bob'), /app 999 does not exist/);
      assertUserError(await cli('app', 'admin', 'add', '1400000001', 'x'.repeat(65)), /1–64 bytes/);
    });

    test('app key rotate generates a new key, or sets the given one', async () => {
      const before = appOf(await cli('app', 'show', '1400000001')).secretKey;
      const rotated = appOf(await cli('app', 'key', 'rotate', '1400000001')).secretKey;
      assert.match(String(rotated), /^[0-9a-f]{64}$/);
      assert.notEqual(rotated, before);
      assert.equal(appOf(await cli('app', 'key', 'rotate', '1400000001', '--key', 'chosen')).secretKey, 'chosen');
      assertUserError(await cli('app', 'key', 'rotate', '999'), /app 999 does not exist/);
    });

    test('app disable and enable', async () => {
      assert.equal(appOf(await cli('app', 'disable', '1400000002')).enabled, false);
      assert.match((await cli('app', 'list')).stdout, /^1400000002 .* no\s/m);
      assert.equal(appOf(await cli('app', 'enable', '1400000002')).enabled, true);
      assertUserError(await cli('app', 'disable', '999'), /app 999 does not exist/);
    });

    test('app baseline sets either or both baselines; nothing to set is an error', async () => {
      const both = appOf(await cli('app', 'baseline', '1400000002', '--registered-users', '5000', '--groups', '12'));
      assert.deepEqual([both.registeredBaseline, both.groupBaseline], [5000, 12]);
      const one = appOf(await cli('app', 'baseline', '1400000002', '--groups', '0'));
      assert.deepEqual([one.registeredBaseline, one.groupBaseline], [5000, 0]);
      assertUserError(await cli('app', 'baseline', '1400000002'), /^error: nothing to set/);
      assertUserError(await cli('app', 'baseline', '1400000002', '--groups', '-1'), /whole number/);
      assertUserError(await cli('app', 'baseline', '999', '--groups', '1'), /app 999 does not exist/);
    });

    test('app callback-token set prints a generated or given token; clear removes it', async () => {
      const generated = await cli('app', 'callback-token', 'set', '1400000002');
      assert.equal(generated.code, 0, generated.stderr);
      assert.match(generated.stdout, /^[0-9a-f]{32}\n$/);
      assert.equal(appOf(await cli('app', 'show', '1400000002')).callbackToken, generated.stdout.trim());
      const given = await cli('app', 'callback-token', 'set', '1400000002', 'my-token');
      assert.equal(given.stdout, 'my-token\n');
      assert.equal(appOf(await cli('app', 'callback-token', 'clear', '1400000002')).callbackToken, null);
      assertUserError(await cli('app', 'callback-token', 'set', '999'), /app 999 does not exist/);
    });

    test('usersig prints a UserSig made with the stored key, valid 180 days by default', async () => {
      const run = await cli('usersig', '--sdkappid', '1400000002', '--identifier', 'root');
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, '');
      const token = run.stdout.trim();
      const verified = verifyUserSig({ token, sdkappid: 1400000002, identifier: 'root', key: 'k3y', nowSeconds: NOW / 1000 + 60 });
      assert.equal(verified.identifier, 'root');
      const doc = decodeUserSig(token);
      assert.equal(doc.expire, DEFAULT_USERSIG_EXPIRE_SECONDS);
      assert.equal(doc.time, NOW / 1000);
    });

    test('usersig --expire sets the validity', async () => {
      const run = await cli('usersig', '--sdkappid', '1400000002', '--identifier', 'root', '--expire', '3600');
      assert.equal(decodeUserSig(run.stdout.trim()).expire, 3600);
      assertUserError(await cli('usersig', '--sdkappid', '1400000002', '--identifier', 'root', '--expire', '0'), /--expire.*positive integer/);
    });

    test('usersig for a non-admin or a disabled app still signs, with a warning on stderr', async () => {
      await cli('app', 'disable', '1400000002');
      const run = await cli('usersig', '--sdkappid', '1400000002', '--identifier', 'bob');
      await cli('app', 'enable', '1400000002');
      assert.equal(run.code, 0);
      assert.match(run.stderr, /^warning: "bob" is not an admin of app 1400000002 \(admins: ops, root\)/m);
      assert.match(run.stderr, /^warning: app 1400000002 is disabled/m);
      assert.ok(verifyUserSig({ token: run.stdout.trim(), sdkappid: 1400000002, identifier: 'bob', key: 'k3y', nowSeconds: NOW / 1000 }));
    });

    test('usersig refuses an unknown app and missing options', async () => {
      assertUserError(await cli('usersig', '--sdkappid', '999', '--identifier', 'root'), /^error: app 999 does not exist\n$/);
      assertUserError(await cli('usersig', '--sdkappid', '1400000002'), /required option '--identifier <id>'/);
    });

    test('IMSTATS_DB names the database when --db is absent', async () => {
      const run = await runCaptured(['app', 'show', '1400000002'], { env: { IMSTATS_DB: database.url } });
      assert.equal(JSON.parse(run.stdout).name, 'Ops');
    });
  });
}

describe('imstats program', () => {
  test('--help and --version exit 0 and print to stdout', async () => {
    const help = await runCaptured(['--help']);
    assert.equal(help.code, 0);
    for (const command of ['serve', 'migrate', 'app', 'usersig', 'ingest', 'query', 'simulate']) assert.match(help.stdout, new RegExp(`^  ${command}\\b`, 'm'));
    const version = await runCaptured(['--version']);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  test('every command documents --db', async () => {
    for (const command of [['serve'], ['migrate'], ['app', 'create'], ['app', 'list'], ['app', 'admin', 'add'], ['app', 'key', 'rotate'], ['app', 'callback-token', 'clear'], ['usersig'], ['ingest'], ['query'], ['simulate']]) {
      const run = await runCaptured([...command, '--help']);
      assert.match(run.stdout, /--db <url>/, command.join(' '));
    }
  });

  test('an unknown command or option is a usage error with exit 1', async () => {
    const run = await runCaptured(['frobnicate']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /unknown command 'frobnicate'/);
    const option = await runCaptured(['app', 'list', '--colour']);
    assert.equal(option.code, 1);
    assert.match(option.stderr, /unknown option '--colour'/);
  });

  test('--db is one program-level option: before the command name or after it, the same database', async () => {
    const database = await createTestDatabase('sqlite');
    try {
      const created = await runCaptured(['--db', database.url, 'app', 'create', '--sdkappid', '1400000001', '--name', 'Before', '--company', 'C'], { now: () => NOW });
      assert.equal(created.code, 0, created.stderr);
      for (const args of [['--db', database.url, 'app', 'list'], ['app', '--db', database.url, 'list'], ['app', 'list', '--db', database.url]]) {
        const list = await runCaptured(args);
        assert.equal(list.code, 0, list.stderr);
        assert.match(list.stdout, /1400000001\s+Before/, args.join(' '));
      }
      // IMSTATS_DB is the default when no --db is given.
      const byEnv = await runCaptured(['app', 'show', '1400000001'], { env: { IMSTATS_DB: database.url } });
      assert.equal(byEnv.code, 0, byEnv.stderr);
    } finally {
      await database.drop();
    }
  });

  test('an unsupported database URL is a one-line error', async () => {
    const run = await runCaptured(['app', 'list', '--db', 'oracle://x']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^error: --db: unsupported database URL scheme "oracle:"/);
  });
});
