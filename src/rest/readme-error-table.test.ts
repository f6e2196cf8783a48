// The README's error table and ERROR_CODES must not drift apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERROR_CODES } from './error-codes.js';
import { errorTableCodes } from './error-table.js';

const README = new URL('../../../README.md', import.meta.url);

test('every code in ERROR_CODES has a README row, and every README row a code', () => {
  const readme = readFileSync(README, 'utf8');
  const section = /^### Error codes\n([\s\S]*?)(?=^#)/m.exec(readme)?.[1];
  assert.ok(section, 'the README has an "### Error codes" section');
  const documented = [...errorTableCodes(section).keys()].sort((a, b) => a - b);
  const defined = Object.values(ERROR_CODES).map((e) => e.code).sort((a, b) => a - b);
  assert.deepEqual(documented, defined);
});
