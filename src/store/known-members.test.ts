import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KnownMembers } from './known-members.js';

test('members remembered for a set are skipped; other sets are not affected', () => {
  const known = new KnownMembers();
  assert.deepEqual(known.unknown('a', ['u1', 'u2']), ['u1', 'u2']);
  known.remember('a', ['u1']);
  assert.deepEqual(known.unknown('a', ['u1', 'u2']), ['u2']);
  assert.deepEqual(known.unknown('b', ['u1']), ['u1']);
});

test('memory is bounded: past the limit everything is forgotten (only costs a redundant insert)', () => {
  const known = new KnownMembers(3);
  known.remember('a', ['u1', 'u2', 'u3']);
  assert.deepEqual(known.unknown('a', ['u1']), []);
  known.remember('b', ['u4']);
  assert.deepEqual(known.unknown('a', ['u1']), ['u1']);
  assert.deepEqual(known.unknown('b', ['u4']), []);
});
