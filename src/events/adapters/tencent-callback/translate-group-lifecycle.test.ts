import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallbackTranslation, TranslatedCallback } from './callback-translation.js';
import { translateCallback } from './translate-callback.js';
import { groupCreatedBody, groupDestroyedBody, memberExitBody, memberJoinedBody, T0_MS } from '../../../../test/support/tencent-callback-samples.js';

const APP = 1400000002;
const ARRIVAL = T0_MS + 60_000;
const G = '@TGS#2J4SZEAEL';

const run = (command: string, body: unknown) => translateCallback({ sdkappid: APP, command, optPlatform: 'RESTAPI', body, arrivalMs: ARRIVAL });

function translated(t: CallbackTranslation): TranslatedCallback {
  assert.equal(t.kind, 'events', t.kind === 'malformed' ? t.error.message : '');
  return t as TranslatedCallback;
}

function without(body: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...body };
  delete copy[key];
  return copy;
}

describe('Group.CallbackAfterCreateGroup', () => {
  const create = (body: unknown) => run('Group.CallbackAfterCreateGroup', body);

  it('becomes group.create with the owner and MemberList as members, at EventTime (ms)', () => {
    const t = translated(create(groupCreatedBody()));
    assert.deepEqual(t.events, [{ type: 'group.create', time: T0_MS + 1_000, sdkappid: APP, group: G, owner: 'leckie', members: ['leckie', 'bob', 'peter'] }]);
    assert.ok(t.dedupeKey);
  });

  it('an owner also listed in MemberList is a member once; an ownerless group ("" owner) has only the list', () => {
    const listed = translated(create(groupCreatedBody({ MemberList: [{ Member_Account: 'bob' }, { Member_Account: 'leckie' }] })));
    assert.deepEqual((listed.events[0] as { members: readonly string[] }).members, ['bob', 'leckie']);
    const ownerless = translated(create(groupCreatedBody({ Owner_Account: '', Type: 'AVChatRoom' })));
    assert.deepEqual(ownerless.events[0], { type: 'group.create', time: T0_MS + 1_000, sdkappid: APP, group: G, owner: undefined, members: ['bob', 'peter'] });
  });

  it('without MemberList the owner is the only member; without EventTime the arrival time and no dedupe key', () => {
    const t = translated(create(without(without(groupCreatedBody(), 'MemberList'), 'EventTime')));
    assert.deepEqual(t.events, [{ type: 'group.create', time: ARRIVAL, sdkappid: APP, group: G, owner: 'leckie', members: ['leckie'] }]);
    assert.equal(t.dedupeKey, undefined);
  });

  it('a malformed MemberList element is rejected alone', () => {
    const t = translated(create(groupCreatedBody({ MemberList: [{ Member_Account: 'bob' }, { Member: 'x' }, 'peter'] })));
    assert.deepEqual((t.events[0] as { members: readonly string[] }).members, ['leckie', 'bob']);
    assert.deepEqual(t.rejections, [
      { path: 'MemberList[1].Member_Account', reason: 'MemberList[1].Member_Account is missing' },
      { path: 'MemberList[2]', reason: 'MemberList[2] must be a JSON object, got the string "peter"' },
    ]);
  });

  it('malformed: missing GroupId, numeric Owner_Account, MemberList not an array', () => {
    const cases: [unknown, string, string][] = [
      [without(groupCreatedBody(), 'GroupId'), 'GroupId', 'missing'],
      [groupCreatedBody({ Owner_Account: 42 }), 'Owner_Account', 'wrong-type'],
      [groupCreatedBody({ MemberList: 'bob,peter' }), 'MemberList', 'wrong-type'],
    ];
    for (const [body, path, problem] of cases) {
      const t = create(body);
      assert.equal(t.kind, 'malformed', path);
      if (t.kind === 'malformed') assert.deepEqual([t.error.path, t.error.problem], [path, problem]);
    }
  });
});

describe('Group.CallbackAfterNewMemberJoin', () => {
  const join = (body: unknown) => run('Group.CallbackAfterNewMemberJoin', body);

  it('becomes one group.join per NewMemberList member', () => {
    const t = translated(join(memberJoinedBody()));
    assert.deepEqual(t.events, [
      { type: 'group.join', time: T0_MS + 2_000, sdkappid: APP, group: G, user: 'jared' },
      { type: 'group.join', time: T0_MS + 2_000, sdkappid: APP, group: G, user: 'tommy' },
    ]);
  });

  it('dedupe key: same for a retry (members in any order), different for other members or time; none without EventTime', () => {
    const key = (over: Record<string, unknown> = {}) => translated(join(memberJoinedBody(over))).dedupeKey;
    const base = key();
    assert.ok(base);
    assert.equal(key({ NewMemberList: [{ Member_Account: 'tommy' }, { Member_Account: 'jared' }] }), base);
    assert.notEqual(key({ NewMemberList: [{ Member_Account: 'jared' }] }), base);
    assert.notEqual(key({ EventTime: T0_MS + 2_001 }), base);
    assert.equal(translated(join(without(memberJoinedBody(), 'EventTime'))).dedupeKey, undefined);
  });

  it('malformed: NewMemberList missing', () => {
    const t = join(without(memberJoinedBody(), 'NewMemberList'));
    assert.equal(t.kind, 'malformed');
    if (t.kind === 'malformed') assert.equal(t.error.message, 'NewMemberList is missing');
  });
});

describe('Group.CallbackAfterMemberExit', () => {
  it('becomes one group.quit per ExitMemberList member, kicked or quit alike; EventTime as a digit string', () => {
    for (const ExitType of ['Kicked', 'Quit']) {
      const t = translated(run('Group.CallbackAfterMemberExit', memberExitBody({ ExitType })));
      assert.deepEqual(t.events, [
        { type: 'group.quit', time: T0_MS + 3_000, sdkappid: APP, group: G, user: 'jared' },
        { type: 'group.quit', time: T0_MS + 3_000, sdkappid: APP, group: G, user: 'tommy' },
      ]);
    }
  });

  it('a join and an exit of the same members at the same time have different dedupe keys', () => {
    const joined = translated(run('Group.CallbackAfterNewMemberJoin', memberJoinedBody({ EventTime: T0_MS + 3_000 })));
    const exited = translated(run('Group.CallbackAfterMemberExit', memberExitBody()));
    assert.notEqual(joined.dedupeKey, exited.dedupeKey);
  });
});

describe('Group.CallbackAfterGroupDestroyed', () => {
  it('becomes group.destroy for GroupId (its MemberList is not a list of exits)', () => {
    const t = translated(run('Group.CallbackAfterGroupDestroyed', groupDestroyedBody()));
    assert.deepEqual(t.events, [{ type: 'group.destroy', time: T0_MS + 4_000, sdkappid: APP, group: G }]);
  });

  it('without EventTime happens at arrival', () => {
    const t = translated(run('Group.CallbackAfterGroupDestroyed', without(groupDestroyedBody(), 'EventTime')));
    assert.equal(t.events[0]!.time, ARRIVAL);
  });
});
