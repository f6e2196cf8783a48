// The field catalog is the spec's: the 32 names of metrics.md, each of the spec's kind, in the
// wire order api.md gives (byte-wise sorted). Expectations are parsed from the spec files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIELDS, FIELD_NAMES } from './fields.js';
import { specFieldNamesInWireOrder, specFields } from '../../test/support/spec-fields.js';

test('the spec defines 32 fields, each once', () => {
  const names = specFields().map((f) => f.name);
  assert.equal(names.length, 32);
  assert.equal(new Set(names).size, 32);
});

test('FIELD_NAMES are the spec fields in byte-wise sorted order', () => {
  assert.deepEqual([...FIELD_NAMES], specFieldNamesInWireOrder());
});

test("every field's kind is the spec's", () => {
  const kinds = Object.fromEntries(specFields().map((f) => [f.name, f.kind]));
  assert.deepEqual(Object.fromEntries(FIELDS.map((f) => [f.name, f.kind])), kinds);
});
