import type { ImEvent } from '../../event.js';
import { idField, integerField, objectAt, absent } from '../tencent-callback/body-fields.js';
import { dedupeKey } from '../tencent-callback/dedupe-key.js';
import { idList, operationIdOf } from './openim-fields.js';
import type { WebhookTranslator } from './webhook-translation.js';

/** OpenIM's `FriendResponseAgree` (protocol constant): the application was accepted. */
const AGREE = 1;

function friendKey(command: string, op: string | undefined, parts: readonly string[]): string | undefined {
  return op ? dedupeKey('openim-friend', [command, op, ...parts]) : undefined;
}

/**
 * `callbackAfterAddFriendAgreeCommand` (`CallbackAfterAddFriendAgreeReq`: `fromUserID` the
 * applicant, the responder under the JSON key `blackUserID` — OpenIM's struct tag spells it so —
 * and `HandleResult`): an accepted application makes both users friends of each other, two
 * `friend.add` (ChainIncrease 2). Any other HandleResult is ignored. No timestamp: arrival time.
 * (`callbackAfterAddFriendCommand` is only the application and is not counted.)
 */
export const translateFriendAgree: WebhookTranslator = ({ sdkappid, command, body, arrivalMs, operationId }) => {
  const root = objectAt(body, '');
  const result = absent(root, 'HandleResult') ? AGREE : integerField(root, 'HandleResult');
  if (result !== AGREE) return { ignore: `HandleResult ${result} is not 1 (agree): no friendship was created` };
  const from = idField(root, 'fromUserID');
  const to = idField(root, 'blackUserID');
  return {
    events: [
      { type: 'friend.add', time: arrivalMs, sdkappid, user: from, peer: to },
      { type: 'friend.add', time: arrivalMs, sdkappid, user: to, peer: from },
    ],
    dedupeKey: friendKey(command, operationIdOf(root, operationId), [from, to]),
  };
};

/**
 * `callbackAfterImportFriendsCommand` (`CallbackAfterImportFriendsReq`: `ownerUserID`,
 * `friendUserIDs`): OpenIM's import makes each pair friends both ways, two `friend.add` per
 * friend, at arrival.
 */
export const translateImportFriends: WebhookTranslator = ({ sdkappid, command, body, arrivalMs, operationId }) => {
  const root = objectAt(body, '');
  const owner = idField(root, 'ownerUserID');
  const { ids, rejections } = idList(root, 'friendUserIDs');
  const events: ImEvent[] = ids
    .filter((friend) => friend !== owner)
    .flatMap((friend): ImEvent[] => [
      { type: 'friend.add', time: arrivalMs, sdkappid, user: owner, peer: friend },
      { type: 'friend.add', time: arrivalMs, sdkappid, user: friend, peer: owner },
    ]);
  return { events, rejections, dedupeKey: friendKey(command, operationIdOf(root, operationId), [owner, ...ids]) };
};

/**
 * `callbackAfterDeleteFriendCommand` (`CallbackAfterDeleteFriendReq`: `ownerUserID`,
 * `friendUserID`): OpenIM removes only the owner's entry, one `friend.delete`, at arrival.
 */
export const translateDeleteFriend: WebhookTranslator = ({ sdkappid, command, body, arrivalMs, operationId }) => {
  const root = objectAt(body, '');
  const owner = idField(root, 'ownerUserID');
  const friend = idField(root, 'friendUserID');
  return {
    events: [{ type: 'friend.delete', time: arrivalMs, sdkappid, user: owner, peer: friend }],
    dedupeKey: friendKey(command, operationIdOf(root, operationId), [owner, friend]),
  };
};
