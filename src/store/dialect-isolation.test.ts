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

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));
const ALLOWED = ['store/dialects/', 'store/database-url.ts', 'testing/'];
/** Database and driver names as substrings (SqliteStoreDialect, isMysql, better-sqlite3, mysql2…); `pg` only as a whole word. */
const NAME = /sqlite|postgres|mysql|mariadb|\bpg\b/i;

interface Piece {
  readonly kind: 'code' | 'string' | 'comment';
  readonly text: string;
  readonly line: number;
}

/** Splits TypeScript source into code, string (and template and regex) literals, and comments. */
function splitSource(source: string): Piece[] {
  const pieces: Piece[] = [];
  let line = 1;
  let i = 0;
  let code = '';
  let codeLine = 1;
  const flushCode = () => {
    if (code) pieces.push({ kind: 'code', text: code, line: codeLine });
    code = '';
  };
  const take = (kind: Piece['kind'], end: number) => {
    flushCode();
    const text = source.slice(i, end);
    pieces.push({ kind, text, line });
    line += text.split('\n').length - 1;
    i = end;
    codeLine = line;
  };
  /** Where a regex literal may start (after an operator or keyword), as opposed to a division. */
  const regexMayStart = () => /(^|[(,=:[!&|?{};+\-*%<>~^]|\breturn|\btypeof|\bcase)\s*$/.test(code.length ? code : pieces.filter((p) => p.kind === 'code').at(-1)?.text ?? '');
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      take('comment', end < 0 ? source.length : end);
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      take('comment', end < 0 ? source.length : end + 2);
    } else if (c === '`') {
      // Text parts are strings; each ${…} is code (nested literals in it are checked as code too).
      let j = i + 1;
      while (j < source.length && source[j] !== '`') {
        if (source[j] === '$' && source[j + 1] === '{') {
          take('string', j);
          let depth = 0;
          let k = j + 1;
          do {
            if (source[k] === '{') depth++;
            else if (source[k] === '}') depth--;
            k++;
          } while (depth > 0 && k < source.length);
          take('code', k);
          j = k;
        } else {
          j += source[j] === '\\' ? 2 : 1;
        }
      }
      take('string', j + 1);
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
      take('string', j + 1);
    } else if (c === '/' && regexMayStart()) {
      let j = i + 1;
      let inClass = false;
      while (j < source.length && (inClass || source[j] !== '/') && source[j] !== '\n') {
        if (source[j] === '[') inClass = true;
        else if (source[j] === ']') inClass = false;
        j += source[j] === '\\' ? 2 : 1;
      }
      while (/[a-z]/i.test(source[j + 1] ?? '')) j++;
      take('string', j + 1);
    } else {
      if (c === '\n') line++;
      code += c;
      i++;
    }
  }
  flushCode();
  return pieces;
}

/** `line: source line` of every database name in code or in a single-word string. */
function dialectNamesIn(source: string): string[] {
  const lines = source.split('\n');
  const found = new Map<number, string>();
  for (const piece of splitSource(source)) {
    if (piece.kind === 'comment' || (piece.kind === 'string' && /\s/.test(piece.text))) continue;
    piece.text.split('\n').forEach((text, k) => {
      if (NAME.test(text) && !found.has(piece.line + k)) found.set(piece.line + k, `${piece.line + k}: ${lines[piece.line + k - 1]!.trim()}`);
    });
  }
  return [...found.values()];
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
