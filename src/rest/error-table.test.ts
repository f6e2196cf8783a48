import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_CODES } from './error-codes.js';
import { errorTableCodes } from './error-table.js';

const SAMPLE = `
| Code | When | ErrorInfo |
|---|---|---|
| 0 | success | \`OK\` |
| 130001 | request packet is not valid JSON | says which |
| \`60002\` | the HTTP request cannot be parsed | |
Some prose with | pipes | that is not a row.
`;

test('errorTableCodes reads the integer rows of a Markdown table', () => {
  const codes = errorTableCodes(SAMPLE);
  assert.deepEqual([...codes.keys()], [0, 130001, 60002]);
  assert.match(codes.get(130001)!, /not valid JSON/);
});

test('ERROR_CODES holds distinct codes (a table row per code can be checked against it)', () => {
  const all = Object.values(ERROR_CODES).map((e) => e.code);
  assert.equal(new Set(all).size, all.length);
});
