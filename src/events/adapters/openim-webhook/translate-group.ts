import type { ImEvent } from '../../event.js';
import { arrayField, elementPath, idField, objectAt, optionalIdField } from '../tencent-callback/body-fields.js';
import { CallbackBodyError, type ItemRejection } from '../tencent-callback/callback-translation.js';
import { dedupeKey } from '../tencent-callback/dedupe-key.js';
import { idList, msTimeOrArrival, operationIdOf } from './openim-fields.js';
import type { WebhookTranslator } from './webhook-translation.js';

/**
 * `callbackAfterCreateGroupCommand` (`CallbackAfterCreateGroupReq`: the group's `GroupInfo`
 * flattened — `groupID`, `ownerUserID`, `createTime` ms — plus `initMemberList[].userID`, the
 * owner included): one `group.create` with the owner and the initial members, at `createTime`
 * (arrival when 0). Dedupe key: group + createTime (a group id is created once), else the operationID.
 */
export const translateCreateGroup: WebhookTranslator = ({ sdkappid, command, body, arrivalMs, operationId }) => {
  const root = objectAt(body, '');
  const group = idField(root, 'groupID');
  const owner = optionalIdField(root, 'ownerUserID');
  const { time, stamped } = msTimeOrArrival(root, 'createTime', arrivalMs);
  const members: string[] = [];
  const seen = new Set<string>(owner === undefined ? [] : [owner]);
  const rejections: ItemRejection[] = [];
  arrayField(root, 'initMemberList').forEach((element, i) => {
    try {
      const user = idField(objectAt(element, elementPath(root, 'initMemberList', i)), 'userID');
      if (!seen.has(user)) {
        seen.add(user);
        members.push(user);
      }
    } catch (err) {
      if (!(err instanceof CallbackBodyError)) throw err;
      rejections.push({ path: err.path, reason: err.message });
    }
  });
  const op = operationIdOf(root, operationId);
  const key = stamped ? dedupeKey('openim-group', [command, group, time]) : op ? dedupeKey('openim-group', [command, op, group]) : undefined;
  return { events: [{ type: 'group.create', time, sdkappid, group, owner, members }], rejections, dedupeKey: key };
};

/** Dedupe key of a membership change without a timestamp: the API call (operationID) and what changed. */
function changeKey(command: string, op: string | undefined, parts: readonly string[]): string | undefined {
  return op ? dedupeKey('openim-group', [command, op, ...parts]) : undefined;
}

/**
 * `callbackAfterJoinGroupCommand` (`CallbackAfterJoinGroupReq`: `groupID`, `inviterUserID`, …):
 * one `group.join`. OpenIM sends it when a user joins a group that needs no verification, and
 * names the joining user `inviterUserID` (its JoinGroupReq's field). No timestamp: arrival time.
 */
export const translateJoinGroup: WebhookTranslator = ({ sdkappid, command, body, arrivalMs, operationId }) => {
  const root = objectAt(body, '');
  const group = idField(root, 'groupID');
  const user = idField(root, 'inviterUserID');
  return { events: [{ type: 'group.join', time: arrivalMs, sdkappid, group, user }], dedupeKey: changeKey(command, operationIdOf(root, operationId), [group, user]) };
};

/** `callbackAfterQuitGroupCommand` (`CallbackQuitGroupReq`: `groupID`, `userID`): one `group.quit` at arrival. */
export const translateQuitGroup: WebhookTranslator = ({ sdkappid, command, body, arrivalMs, operationId }) => {
  const root = objectAt(body, '');
  const group = idField(root, 'groupID');
  const user = idField(root, 'userID');
  return { events: [{ type: 'group.quit', time: arrivalMs, sdkappid, group, user }], dedupeKey: changeKey(command, operationIdOf(root, operationId), [group, user]) };
};

/** `callbackAfterKickGroupCommand` (`CallbackKillGroupMemberReq`: `groupID`, `kickedUserIDs`): one `group.quit` per kicked member, at arrival. */
export const translateKickGroup: WebhookTranslator = ({ sdkappid, command, body, arrivalMs, operationId }) => {
  const root = objectAt(body, '');
  const group = idField(root, 'groupID');
  const { ids, rejections } = idList(root, 'kickedUserIDs');
  const events: ImEvent[] = ids.map((user) => ({ type: 'group.quit', time: arrivalMs, sdkappid, group, user }));
  return { events, rejections, dedupeKey: changeKey(command, operationIdOf(root, operationId), [group, ...ids]) };
};

/**
 * `callbackAfterDisMissGroupCommand` (`CallbackDisMissGroupReq`: `groupID`, `ownerID`,
 * `membersID`): one `group.destroy` at arrival (the members it drops are not exits).
 */
export const translateDismissGroup: WebhookTranslator = ({ sdkappid, command, body, arrivalMs, operationId }) => {
  const root = objectAt(body, '');
  const group = idField(root, 'groupID');
  return { events: [{ type: 'group.destroy', time: arrivalMs, sdkappid, group }], dedupeKey: changeKey(command, operationIdOf(root, operationId), [group]) };
};
