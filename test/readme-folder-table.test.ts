// The README's folder table ("How it is built") is the tree: every folder of src/ has its row, and
// every folder a row names exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The folders named in the first column of the README's `| folder | what it holds |` table. */
function tableFolders(): string[] {
  const start = README.indexOf('| folder | what it holds |');
  assert.ok(start >= 0, 'the README has a folder table');
  const rows = README.slice(start).split('\n').slice(2);
  return rows.slice(0, rows.findIndex((r) => !r.startsWith('|'))).map((r) => /^\| `([^`]+)` \|/.exec(r)?.[1] ?? `unparsable row: ${r}`);
}

test('every folder of src/ has a row in the README folder table', () => {
  const listed = tableFolders().filter((f) => f.startsWith('src/'));
  const tree = readdirSync(`${ROOT}src`, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => `src/${e.name}/`);
  assert.ok(tree.length > 10, `found src/ (${tree.length} folders)`);
  assert.deepEqual([...listed].sort(), tree.sort());
});

test('every folder the table names exists', () => {
  const missing = tableFolders().filter((f) => !existsSync(`${ROOT}${f}`) || !statSync(`${ROOT}${f}`).isDirectory());
  assert.deepEqual(missing, []);
});
