import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CALLBACK_TRANSLATORS } from './callback-translators.js';
import { translateCallback } from './translate-callback.js';
import { c2cAfterSendBody, groupAfterSendBody, T0_MS } from '../../../../test/support/tencent-callback-samples.js';

const APP = 1400000005;

describe('translateCallback', () => {
  it('translates exactly the commands of events.md section 2', () => {
    assert.deepEqual([...CALLBACK_TRANSLATORS.keys()].sort(), [
      'C2C.CallbackAfterSendMsg',
      'Group.CallbackAfterCreateGroup',
      'Group.CallbackAfterGroupDestroyed',
      'Group.CallbackAfterMemberExit',
      'Group.CallbackAfterNewMemberJoin',
      'Group.CallbackAfterSendMsg',
      'Push.OfflinePush',
      'Sns.CallbackFriendAdd',
      'Sns.CallbackFriendDelete',
      'State.StateChange',
    ]);
  });

  it('an unknown command is ignored with its name, whatever the body (even one that is not JSON)', () => {
    for (const [command, body] of [
      ['C2C.CallbackBeforeSendMsg', c2cAfterSendBody({ CallbackCommand: 'C2C.CallbackBeforeSendMsg' })],
      ['Profile.CallbackPortraitSet', 'garbage'],
      ['', undefined],
    ] as const) {
      const t = translateCallback({ sdkappid: APP, command, body, arrivalMs: T0_MS });
      assert.deepEqual(t, { kind: 'ignored', command, reason: `CallbackCommand ${JSON.stringify(command)} is not counted` });
    }
  });

  it('commands are matched exactly (Tencent spells them one way)', () => {
    assert.equal(translateCallback({ sdkappid: APP, command: 'c2c.callbackaftersendmsg', body: c2cAfterSendBody(), arrivalMs: T0_MS }).kind, 'ignored');
  });

  it("a body naming another CallbackCommand than the URL's is malformed", () => {
    const t = translateCallback({ sdkappid: APP, command: 'C2C.CallbackAfterSendMsg', body: groupAfterSendBody(), arrivalMs: T0_MS });
    assert.equal(t.kind, 'malformed');
    if (t.kind !== 'malformed') return;
    assert.equal(t.error.path, 'CallbackCommand');
    assert.equal(t.error.message, 'the body\'s CallbackCommand "Group.CallbackAfterSendMsg" differs from the URL\'s "C2C.CallbackAfterSendMsg"');
  });

  it('a body without CallbackCommand is read by the URL command', () => {
    const body = c2cAfterSendBody();
    delete body.CallbackCommand;
    assert.equal(translateCallback({ sdkappid: APP, command: 'C2C.CallbackAfterSendMsg', body, arrivalMs: T0_MS }).kind, 'events');
  });

  it('stamps the URL app on every event', () => {
    const t = translateCallback({ sdkappid: 1400009999, command: 'Group.CallbackAfterSendMsg', body: groupAfterSendBody(), arrivalMs: T0_MS });
    assert.equal(t.kind, 'events');
    if (t.kind === 'events') assert.equal(t.events[0]!.sdkappid, 1400009999);
  });
});
