// Dialects stay behind one small interface: no database or driver name appears in the code outside
// store/dialects/, store/database-url.ts (which maps a URL to its dialect) and testing/ (which
// creates test databases). Comments may name databases, and so may prose for people (a string
// with whitespace in it: help text, messages); identifiers, single-word strings and import
// specifiers may not — that is where `if (dialect === 'mysql')` or `import pg from 'pg'` would be.
// Test files are exempt: suites loop over every database on purpose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));
const ALLOWED = ['store/dialects/', 'store/database-url.ts', 'testing/'];
/** Database and driver names as substrings (SqliteStoreDialect, isMysql, better-sqlite3, mysql2…); `pg` only as a whole word. */
const NAME = /sqlite|postgres|mysql|mariadb|\bpg\b/i;

/**
 * `line: source line` of every database name in code or in a single-word string. The source is
 * read by the TypeScript compiler itself (its scanner, driven by its parser, so a regex literal
 * and a division, or a template's text and its `${…}` code, are told apart exactly): identifiers
 * are code; string, template and regex literals are strings; comments are never visited.
 */
function dialectNamesIn(source: string): string[] {
  const file = ts.createSourceFile('checked.ts', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const lines = source.split('\n');
  const found = new Map<number, string>();
  const check = (node: ts.Node) => {
    const text = node.getText(file);
    if (!NAME.test(text)) return;
    const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
    if (!found.has(line)) found.set(line, `${line}: ${lines[line - 1]!.trim()}`);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) check(node);
    else if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node) || ts.isRegularExpressionLiteral(node)) {
      // Prose for people (whitespace in it) may name a database; a single word may not.
      if (!/\s/.test(node.getText(file))) check(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return [...found.keys()].sort((a, b) => a - b).map((line) => found.get(line)!);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

test('the checker: names in code, imports and single-word strings count; comments and prose do not', () => {
  const source = [
    "import pg from 'pg';", // 1
    "import { createPool } from 'mysql2';", // 2
    '// PostgreSQL and MariaDB are fine in a comment', // 3
    '/* so is sqlite', // 4
    '   across lines */', // 5
    "const help = 'database URL: sqlite:PATH or postgres://…';", // 6
    "if (dialect.name === 'mariadb') go();", // 7
    'const x = new SqliteStoreDialect({ path });', // 8
    "const upgrade = 'jpg'; const re = /it's \\/ x/; const y = a / b;", // 9: a quote in a regex, a division
    'const t = `${isMysql ? 1 : 2}`;', // 10: a template without whitespace is checked
  ].join('\n');
  assert.deepEqual(
    dialectNamesIn(source).map((f) => Number(f.split(':')[0])),
    [1, 2, 7, 8, 10],
  );
});

test('no database or driver name in code outside store/dialects/, store/database-url.ts and testing/', () => {
  const files = sourceFiles(SRC);
  const names = (file: string) => relative(SRC, file).split(sep).join('/');
  const checked = files.filter((f) => !ALLOWED.some((a) => names(f).startsWith(a)));
  assert.ok(checked.length > 50, `found the sources (${checked.length} files)`);
  // The allowed places do use the names, so the scan reads what it should.
  assert.ok(dialectNamesIn(readFileSync(join(SRC, 'store/dialects/postgres/postgres-dialect.ts'), 'utf8')).some((l) => l.includes("from 'pg'")));
  const offenders = checked.flatMap((file) => dialectNamesIn(readFileSync(file, 'utf8')).map((hit) => `${names(file)}:${hit}`));
  assert.deepEqual(offenders, []);
});
