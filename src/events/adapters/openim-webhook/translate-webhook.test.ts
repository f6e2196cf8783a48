import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { validateEvent } from '../../validate-event.js';
import { OPENIM_COMMANDS } from './openim-commands.js';
import {
  beforeSingleMsgBody,
  createGroupBody,
  deleteFriendBody,
  dismissGroupBody,
  friendAgreeBody,
  groupMsgBody,
  importFriendsBody,
  joinGroupBody,
  kickGroupBody,
  offlinePushBody,
  quitGroupBody,
  registerBody,
  singleMsgBody,
  userStatusBody,
} from '../../../../test/support/openim-webhook-samples.js';
import { translateWebhook } from './translate-webhook.js';
import type { WebhookInput } from './webhook-translation.js';
import { WEBHOOK_TRANSLATORS } from './webhook-translators.js';

const APP = 1400000015;
const ARRIVAL = 1718000005000;

function translate(command: string, body: unknown, more: Partial<WebhookInput> = {}) {
  return translateWebhook({ sdkappid: APP, command, body, arrivalMs: ARRIVAL, pushVendor: 'getui', ...more });
}

function events(command: string, body: unknown, more: Partial<WebhookInput> = {}) {
  const t = translate(command, body, more);
  assert.equal(t.kind, 'events', JSON.stringify(t));
  return t.kind === 'events' ? t : assert.fail();
}

describe('translateWebhook: one test per OpenIM command, the events it becomes', () => {
  it('callbackAfterUserOnlineCommand → user.login at seq (ms) on the platform of platformID', () => {
    const t = events(OPENIM_COMMANDS.userOnline, userStatusBody('online'));
    assert.deepEqual(t.events, [{ type: 'user.login', time: 1718000000123, sdkappid: APP, user: 'alice', platform: 'iOS' }]);
    assert.ok(t.dedupeKey?.startsWith('openim-status:'));
  });

  it('callbackAfterUserOfflineCommand → user.logout; platform ids follow OpenIM numbering, normalised', () => {
    const expected: [number, string][] = [[1, 'iOS'], [2, 'Android'], [3, 'Windows'], [4, 'Mac'], [5, 'Web'], [6, 'MiniProgram'], [7, 'Linux'], [8, 'AndroidPad'], [9, 'iPad'], [10, 'RESTAPI'], [11, 'HarmonyOS'], [0, 'default'], [42, 'openim-42']];
    for (const [platformID, platform] of expected) {
      const t = events(OPENIM_COMMANDS.userOffline, userStatusBody('offline', { platformID, platform: '' }));
      assert.deepEqual(t.events, [{ type: 'user.logout', time: 1718000000123, sdkappid: APP, user: 'alice', platform }], `platformID ${platformID}`);
    }
    // An id of 0 with OpenIM's name: the name decides.
    assert.equal(events(OPENIM_COMMANDS.userOffline, userStatusBody('offline', { platformID: 0, platform: 'OSX' })).events[0]!.type, 'user.logout');
    assert.deepEqual((events(OPENIM_COMMANDS.userOffline, userStatusBody('offline', { platformID: 0, platform: 'OSX' })).events[0] as { platform: string }).platform, 'Mac');
  });

  it('callbackAfterUserKickOffCommand → user.logout of the kicked platform', () => {
    const t = events(OPENIM_COMMANDS.userKickOff, userStatusBody('kickoff', { platformID: 2, userID: 'bob', seq: 1718000001000 }));
    assert.deepEqual(t.events, [{ type: 'user.logout', time: 1718000001000, sdkappid: APP, user: 'bob', platform: 'Android' }]);
  });

  it('the same status change twice has one key; another seq or connection another', () => {
    const a = events(OPENIM_COMMANDS.userOnline, userStatusBody('online')).dedupeKey;
    assert.equal(events(OPENIM_COMMANDS.userOnline, userStatusBody('online')).dedupeKey, a);
    assert.notEqual(events(OPENIM_COMMANDS.userOnline, userStatusBody('online', { seq: 1718000000124 })).dedupeKey, a);
    assert.notEqual(events(OPENIM_COMMANDS.userOnline, userStatusBody('online', { connID: 'conn-2' })).dedupeKey, a);
    assert.notEqual(events(OPENIM_COMMANDS.userOffline, userStatusBody('offline')).dedupeKey, a);
    // seq 0 (not set): arrival time, and nothing identifies the delivery.
    const unstamped = events(OPENIM_COMMANDS.userOnline, userStatusBody('online', { seq: 0 }));
    assert.equal(unstamped.events[0]!.time, ARRIVAL);
    assert.equal(unstamped.dedupeKey, undefined);
  });

  it('callbackAfterSendSingleMsgCommand → msg.c2c at sendTime, sender platform from senderPlatformID, keyed by serverMsgID', () => {
    const t = events(OPENIM_COMMANDS.singleMsg, singleMsgBody({ senderPlatformID: 5 }));
    assert.deepEqual(t.events, [{ type: 'msg.c2c', time: 1718000000456, sdkappid: APP, from: 'alice', to: 'bob', ok: true, platform: 'Web' }]);
    assert.equal(events(OPENIM_COMMANDS.singleMsg, singleMsgBody({ senderPlatformID: 5, content: 'retry' })).dedupeKey, t.dedupeKey);
    assert.notEqual(events(OPENIM_COMMANDS.singleMsg, singleMsgBody({ serverMsgID: 'other' })).dedupeKey, t.dedupeKey);
    // sendTime 0 → createTime; senderPlatformID 0 → no platform.
    assert.deepEqual(events(OPENIM_COMMANDS.singleMsg, singleMsgBody({ sendTime: 0, senderPlatformID: 0 })).events, [
      { type: 'msg.c2c', time: 1718000000400, sdkappid: APP, from: 'alice', to: 'bob', ok: true },
    ]);
  });

  it('callbackAfterSendGroupMsgCommand → msg.group (sessionType 2 or 3)', () => {
    const t = events(OPENIM_COMMANDS.groupMsg, groupMsgBody({ senderPlatformID: 2 }));
    assert.deepEqual(t.events, [{ type: 'msg.group', time: 1718000000456, sdkappid: APP, from: 'alice', group: 'g-1001', platform: 'Android' }]);
    assert.equal(events(OPENIM_COMMANDS.groupMsg, groupMsgBody({ sessionType: 2 })).events.length, 1);
  });

  it('system notifications sent as messages are ignored; a message of the wrong sessionType is malformed', () => {
    assert.equal(translate(OPENIM_COMMANDS.groupMsg, groupMsgBody({ contentType: 1501 })).kind, 'ignored');
    assert.equal(translate(OPENIM_COMMANDS.singleMsg, singleMsgBody({ sessionType: 4, contentType: 1204 })).kind, 'ignored');
    const wrong = translate(OPENIM_COMMANDS.singleMsg, singleMsgBody({ sessionType: 3 }));
    assert.equal(wrong.kind, 'malformed');
    assert.match(wrong.kind === 'malformed' ? wrong.error.message : '', /sessionType must be 1/);
  });

  it('callbackAfterCreateGroupCommand → group.create with owner and initial members at createTime', () => {
    const t = events(OPENIM_COMMANDS.createGroup, createGroupBody());
    assert.deepEqual(t.events, [{ type: 'group.create', time: 1718000000789, sdkappid: APP, group: 'g-1001', owner: 'alice', members: ['bob', 'carol'] }]);
    assert.deepEqual(events(OPENIM_COMMANDS.createGroup, createGroupBody({ createTime: 0 })).events[0]!.time, ARRIVAL);
  });

  it('callbackAfterJoinGroupCommand → group.join of inviterUserID (the joining user) at arrival', () => {
    const t = events(OPENIM_COMMANDS.joinGroup, joinGroupBody());
    assert.deepEqual(t.events, [{ type: 'group.join', time: ARRIVAL, sdkappid: APP, group: 'g-1001', user: 'dave' }]);
    assert.ok(t.dedupeKey);
  });

  it('callbackAfterQuitGroupCommand → group.quit; keyed by the operationID header when the body has none', () => {
    const t = events(OPENIM_COMMANDS.quitGroup, quitGroupBody(), { operationId: 'op-7' });
    assert.deepEqual(t.events, [{ type: 'group.quit', time: ARRIVAL, sdkappid: APP, group: 'g-1001', user: 'bob' }]);
    assert.ok(t.dedupeKey);
    assert.notEqual(events(OPENIM_COMMANDS.quitGroup, quitGroupBody(), { operationId: 'op-8' }).dedupeKey, t.dedupeKey);
    assert.equal(events(OPENIM_COMMANDS.quitGroup, quitGroupBody()).dedupeKey, undefined);
  });

  it('callbackAfterKickGroupCommand → one group.quit per kicked member', () => {
    const t = events(OPENIM_COMMANDS.kickGroup, kickGroupBody());
    assert.deepEqual(t.events, [
      { type: 'group.quit', time: ARRIVAL, sdkappid: APP, group: 'g-1001', user: 'carol' },
      { type: 'group.quit', time: ARRIVAL, sdkappid: APP, group: 'g-1001', user: 'dave' },
    ]);
  });

  it('callbackAfterDisMissGroupCommand → group.destroy', () => {
    assert.deepEqual(events(OPENIM_COMMANDS.dismissGroup, dismissGroupBody()).events, [{ type: 'group.destroy', time: ARRIVAL, sdkappid: APP, group: 'g-1001' }]);
  });

  it('callbackAfterAddFriendAgreeCommand → two friend.add (OpenIM makes both friends); a refusal is ignored', () => {
    assert.deepEqual(events(OPENIM_COMMANDS.addFriendAgree, friendAgreeBody()).events, [
      { type: 'friend.add', time: ARRIVAL, sdkappid: APP, user: 'alice', peer: 'bob' },
      { type: 'friend.add', time: ARRIVAL, sdkappid: APP, user: 'bob', peer: 'alice' },
    ]);
    assert.equal(translate(OPENIM_COMMANDS.addFriendAgree, friendAgreeBody({ HandleResult: -1 })).kind, 'ignored');
  });

  it('callbackAfterImportFriendsCommand → two friend.add per imported friend', () => {
    assert.equal(events(OPENIM_COMMANDS.importFriends, importFriendsBody()).events.length, 4);
  });

  it('callbackAfterDeleteFriendCommand → one friend.delete (OpenIM removes only the owner\'s entry)', () => {
    assert.deepEqual(events(OPENIM_COMMANDS.deleteFriend, deleteFriendBody()).events, [{ type: 'friend.delete', time: ARRIVAL, sdkappid: APP, user: 'alice', peer: 'bob' }]);
  });

  it('callbackAfterUserRegisterCommand → one user.register per user, a bad element left out alone', () => {
    const t = events(OPENIM_COMMANDS.userRegister, registerBody(['u1', 'u2'], { users: [{ userID: 'u1', createTime: 1718000000001 }, { userID: '' }, { userID: 'u2', createTime: 0 }] }));
    assert.deepEqual(t.events, [
      { type: 'user.register', time: 1718000000001, sdkappid: APP, user: 'u1' },
      { type: 'user.register', time: ARRIVAL, sdkappid: APP, user: 'u2' },
    ]);
    assert.deepEqual(t.rejections.map((r) => r.path), ['users[1].userID']);
  });

  it('callbackBeforeOfflinePushCommand → one push per recipient, vendor the app\'s setting, chat from sessionType', () => {
    assert.deepEqual(events(OPENIM_COMMANDS.offlinePush, offlinePushBody({ userIDList: ['bob', 'carol'] }), { pushVendor: 'apns' }).events, [
      { type: 'push', time: ARRIVAL, sdkappid: APP, chat: 'c2c', vendor: 'apns', to: 'bob' },
      { type: 'push', time: ARRIVAL, sdkappid: APP, chat: 'c2c', vendor: 'apns', to: 'carol' },
    ]);
    assert.equal((events(OPENIM_COMMANDS.offlinePush, offlinePushBody({ sessionType: 3, groupID: 'g-1' })).events[0] as { chat: string }).chat, 'group');
  });

  it('every other before-event and unknown command is ignored, whatever the body', () => {
    for (const [command, body] of [
      ['callbackBeforeSendSingleMsgCommand', beforeSingleMsgBody()],
      ['callbackBeforeCreateGroupCommand', 'not json at all'],
      ['callbackAfterAddFriendCommand', { fromUserID: 'a', toUserID: 'b' }],
      ['somethingNew', undefined],
    ] as const) {
      assert.equal(translate(command, body).kind, 'ignored', command);
    }
  });

  it("a body whose callbackCommand differs from the URL's is malformed", () => {
    const t = translate(OPENIM_COMMANDS.singleMsg, groupMsgBody());
    assert.equal(t.kind, 'malformed');
    assert.equal(t.kind === 'malformed' ? t.error.path : '', 'callbackCommand');
  });
});

/** A JSON value of bounded depth, plus near-misses of each command's real body. */
const anyJson = fc.jsonValue({ maxDepth: 3 });
const samples: [string, () => Record<string, unknown>][] = [
  [OPENIM_COMMANDS.userOnline, () => userStatusBody('online')],
  [OPENIM_COMMANDS.userOffline, () => userStatusBody('offline')],
  [OPENIM_COMMANDS.userKickOff, () => userStatusBody('kickoff')],
  [OPENIM_COMMANDS.userRegister, () => registerBody(['u1', 'u2'])],
  [OPENIM_COMMANDS.singleMsg, () => singleMsgBody()],
  [OPENIM_COMMANDS.groupMsg, () => groupMsgBody()],
  [OPENIM_COMMANDS.createGroup, () => createGroupBody()],
  [OPENIM_COMMANDS.joinGroup, () => joinGroupBody()],
  [OPENIM_COMMANDS.quitGroup, () => quitGroupBody()],
  [OPENIM_COMMANDS.kickGroup, () => kickGroupBody()],
  [OPENIM_COMMANDS.dismissGroup, () => dismissGroupBody()],
  [OPENIM_COMMANDS.addFriendAgree, () => friendAgreeBody()],
  [OPENIM_COMMANDS.importFriends, () => importFriendsBody()],
  [OPENIM_COMMANDS.deleteFriend, () => deleteFriendBody()],
  [OPENIM_COMMANDS.offlinePush, () => offlinePushBody()],
];

describe('translateWebhook fuzz (fast-check)', () => {
  it('covers every translated command', () => {
    assert.deepEqual(samples.map(([c]) => c).sort(), [...WEBHOOK_TRANSLATORS.keys()].sort());
  });

  it('for every command, any body (a real one with a field replaced, dropped or added, or any JSON) never throws, and every event it gives is valid', () => {
    const mutated = fc.tuple(fc.constantFrom(...samples), fc.string({ maxLength: 12 }), anyJson, fc.constantFrom('replace', 'drop', 'add', 'whole')).map(([[command, make], key, value, how]) => {
      const body = make();
      const keys = Object.keys(body);
      const target = how === 'add' ? key : keys[Math.abs(hash(key)) % keys.length]!;
      if (how === 'whole') return { command, body: value as unknown };
      if (how === 'drop') delete body[target];
      else body[target] = value;
      return { command, body: body as unknown };
    });
    fc.assert(
      fc.property(mutated, fc.string({ maxLength: 8 }), ({ command, body }, op) => {
        const t = translateWebhook({ sdkappid: APP, command, body, arrivalMs: ARRIVAL, operationId: op, pushVendor: 'getui' });
        assert.ok(['events', 'ignored', 'malformed'].includes(t.kind));
        if (t.kind === 'malformed') assert.ok(t.error.message.length > 0);
        if (t.kind === 'events') {
          for (const e of t.events) {
            const v = validateEvent(structuredClone(e), { nowMs: ARRIVAL, retentionDays: 36500, defaultSdkappid: APP });
            assert.ok(v.ok, `${command} gave an invalid event ${JSON.stringify(e)}: ${v.ok ? '' : v.reason}`);
          }
          if (t.dedupeKey !== undefined) assert.ok(t.dedupeKey.length <= 80);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}
