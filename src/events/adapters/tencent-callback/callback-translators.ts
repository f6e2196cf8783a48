import type { CallbackTranslator } from './callback-translation.js';
import { translateC2cMessage } from './translate-c2c-message.js';
import { translateFriendAdd, translateFriendDelete } from './translate-friend-change.js';
import { translateGroupCreate, translateGroupDestroy, translateGroupExit, translateGroupJoin } from './translate-group-lifecycle.js';
import { translateGroupMessage } from './translate-group-message.js';
import { translateOfflinePush } from './translate-offline-push.js';
import { translateStateChange } from './translate-state-change.js';

/**
 * Every Tencent `CallbackCommand` that feeds the statistics (events.md section 2), with its
 * translator. Commands not listed are acknowledged and not counted.
 */
export const CALLBACK_TRANSLATORS: ReadonlyMap<string, CallbackTranslator> = new Map([
  ['State.StateChange', translateStateChange],
  ['C2C.CallbackAfterSendMsg', translateC2cMessage],
  ['Group.CallbackAfterSendMsg', translateGroupMessage],
  ['Group.CallbackAfterCreateGroup', translateGroupCreate],
  ['Group.CallbackAfterNewMemberJoin', translateGroupJoin],
  ['Group.CallbackAfterMemberExit', translateGroupExit],
  ['Group.CallbackAfterGroupDestroyed', translateGroupDestroy],
  ['Sns.CallbackFriendAdd', translateFriendAdd],
  ['Sns.CallbackFriendDelete', translateFriendDelete],
  ['Push.OfflinePush', translateOfflinePush],
]);
