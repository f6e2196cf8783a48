#!/usr/bin/env node
// Runs every compiled test file (dist/**/*.test.js: src/ beside the code, test/, bench/) with node's built-in test runner.
// The databases the shared store suites run on come from IMSTATS_TEST_DATABASES
// (comma-separated: sqlite, postgres, mysql; default sqlite). Extra arguments filter files by
// substring: `npm test -- usersig rest`.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? find(join(dir, e.name)) : e.name.endsWith('.test.js') ? [join(dir, e.name)] : [],
  );
}

const filters = process.argv.slice(2);
const files = find('dist')
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(', ') || 'dist/**/*.test.js'}`);
  process.exit(1);
}
console.log(`imstats tests on databases: ${process.env.IMSTATS_TEST_DATABASES || 'sqlite'}`);
// A test that leaves a handle open (a socket, a pool) must not hold the run until CI's deadline:
// --test-force-exit ends each file once its tests are done, and no single test may run 10 minutes.
const result = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=2', '--test-force-exit', '--test-timeout=600000', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
