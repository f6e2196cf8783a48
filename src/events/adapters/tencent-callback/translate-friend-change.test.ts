import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallbackTranslation, TranslatedCallback } from './callback-translation.js';
import { translateCallback } from './translate-callback.js';
import { friendAddBody, friendDeleteBody, T0_MS } from '../../../../test/support/tencent-callback-samples.js';

const APP = 1400000003;
const ARRIVAL = T0_MS + 60_000;

const run = (command: string, body: unknown) => translateCallback({ sdkappid: APP, command, optPlatform: 'iOS', body, arrivalMs: ARRIVAL });

function translated(t: CallbackTranslation): TranslatedCallback {
  assert.equal(t.kind, 'events', t.kind === 'malformed' ? t.error.message : '');
  return t as TranslatedCallback;
}

describe('Sns.CallbackFriendAdd / Sns.CallbackFriendDelete', () => {
  it('one friend.add per PairList pair (From_Account → To_Account) at the arrival time', () => {
    const t = translated(run('Sns.CallbackFriendAdd', friendAddBody()));
    assert.deepEqual(t.events, [
      { type: 'friend.add', time: ARRIVAL, sdkappid: APP, user: 'id', peer: 'id1' },
      { type: 'friend.add', time: ARRIVAL, sdkappid: APP, user: 'id', peer: 'id2' },
    ]);
    assert.equal(t.dedupeKey, undefined, 'nothing in an unstamped body tells a retry from a new add');
  });

  it('a mutual add lists both directions: two entries', () => {
    const t = translated(run('Sns.CallbackFriendAdd', friendAddBody([['a', 'b'], ['b', 'a']])));
    assert.deepEqual(t.events.map((e) => [(e as { user: string }).user, (e as { peer: string }).peer]), [['a', 'b'], ['b', 'a']]);
  });

  it('one friend.delete per pair', () => {
    const t = translated(run('Sns.CallbackFriendDelete', friendDeleteBody()));
    assert.deepEqual(t.events.map((e) => `${e.type} ${(e as { user: string }).user}>${(e as { peer: string }).peer}`), [
      'friend.delete id>id1',
      'friend.delete id>id2',
      'friend.delete id>id3',
    ]);
  });

  it('a body stamped with EventTime (ms) uses it and gets a dedupe key that tells add from delete', () => {
    const add = translated(run('Sns.CallbackFriendAdd', friendAddBody([['a', 'b']], { EventTime: T0_MS + 9 })));
    const del = translated(run('Sns.CallbackFriendDelete', friendDeleteBody([['a', 'b']], { EventTime: T0_MS + 9 })));
    assert.equal(add.events[0]!.time, T0_MS + 9);
    assert.ok(add.dedupeKey);
    assert.equal(translated(run('Sns.CallbackFriendAdd', friendAddBody([['a', 'b']], { EventTime: T0_MS + 9 }))).dedupeKey, add.dedupeKey);
    assert.notEqual(add.dedupeKey, del.dedupeKey);
  });

  it('a pair without From_Account is rejected alone; PairList missing is malformed', () => {
    const body = friendAddBody([['a', 'b']]);
    (body.PairList as unknown[]).push({ To_Account: 'c' }, { From_Account: 'a', To_Account: ['d'] });
    const t = translated(run('Sns.CallbackFriendAdd', body));
    assert.equal(t.events.length, 1);
    assert.deepEqual(t.rejections, [
      { path: 'PairList[1].From_Account', reason: 'PairList[1].From_Account is missing' },
      { path: 'PairList[2].To_Account', reason: 'PairList[2].To_Account must be a string, got an array' },
    ]);
    const none = run('Sns.CallbackFriendDelete', { CallbackCommand: 'Sns.CallbackFriendDelete' });
    assert.equal(none.kind, 'malformed');
    if (none.kind === 'malformed') assert.deepEqual([none.error.path, none.error.problem], ['PairList', 'missing']);
  });
});
