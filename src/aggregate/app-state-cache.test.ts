import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppStateCache, type LoadedAppState } from './app-state-cache.js';
import type { StateChanges } from './app-state.js';

const APP = 1400000001;

function loaded(registered: Record<string, boolean>, sessions: Record<string, string[]> = {}): LoadedAppState {
  return {
    registered: new Map(Object.entries(registered)),
    groups: new Map(),
    members: new Map(),
    sessions: new Map(Object.entries(sessions).map(([u, p]) => [u, new Set(p)])),
    allSessions: false,
  };
}

const noChanges: StateChanges = {
  sessionsAdded: [], sessionsRemoved: [], registeredAdded: [], registeredRemoved: [],
  groupsAdded: [], groupsRemoved: [], membersAdded: [], membersRemoved: [],
};

test('an app is known only at the version after the one this process committed', () => {
  const cache = new AppStateCache();
  const base = cache.known(APP, 1);
  assert.equal(base.registered.size, 0);
  cache.committed(APP, 1, base, loaded({ a: true, b: false }), { ...noChanges, registeredAdded: ['b'], sessionsAdded: [['a', 'iOS']] });
  const next = cache.known(APP, 2);
  assert.deepEqual([...next.registered], [['a', true], ['b', true]]);
  assert.deepEqual([...next.sessions.get('a')!], ['iOS']);
  // Another process committed version 3: version 4 is locked here, and the app is forgotten.
  assert.equal(cache.known(APP, 4).registered.size, 0);
  assert.equal(cache.known(APP, 2).registered.size, 0);
  assert.equal(cache.size, 0);
});

test('a stale completion does not overwrite a newer entry', () => {
  const cache = new AppStateCache();
  const empty = cache.known(APP, 5);
  cache.committed(APP, 5, empty, loaded({ a: true }), undefined);
  cache.committed(APP, 4, empty, loaded({ a: false }), undefined);
  assert.deepEqual([...cache.known(APP, 6).registered], [['a', true]]);
});

test('memory is bounded: past the cap other apps are forgotten, then the app itself', () => {
  const cache = new AppStateCache(3);
  cache.committed(1, 1, cache.known(1, 1), loaded({ a: true, b: true }), undefined);
  assert.equal(cache.size, 2);
  cache.committed(2, 1, cache.known(2, 1), loaded({ c: true, d: true }), undefined);
  assert.equal(cache.size, 2);
  assert.equal(cache.known(1, 2).registered.size, 0);
  assert.equal(cache.known(2, 2).registered.size, 2);
  cache.committed(2, 2, cache.known(2, 2), loaded({}, { e: ['iOS', 'Web'] }), undefined);
  assert.equal(cache.size, 0);
});
