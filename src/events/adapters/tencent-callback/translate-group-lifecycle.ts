import { absent, idField, memberAccounts, objectAt, optionalIdField } from './body-fields.js';
import type { CallbackTranslator } from './callback-translation.js';
import { dedupeKey } from './dedupe-key.js';
import { eventTimeOrArrival } from './event-time.js';

// Every group change happens at `EventTime` (ms) when the body has it, else at arrival. Creating
// an existing group and destroying a missing one change nothing in the pipeline, so those two are
// safe to replay; joins and exits are counted, so their retries need the dedupe key, which only a
// stamped body (EventTime) can give.

/**
 * `Group.CallbackAfterCreateGroup`: one `group.create` for `GroupId` whose members are the
 * `Owner_Account` (absent or "" for ownerless groups) and every `MemberList[].Member_Account`.
 * Initial members are not joins (metrics.md).
 */
export const translateGroupCreate: CallbackTranslator = ({ sdkappid, body, arrivalMs }) => {
  const root = objectAt(body, '');
  const group = idField(root, 'GroupId');
  const owner = optionalIdField(root, 'Owner_Account');
  const { members, rejections } = absent(root, 'MemberList') ? { members: [], rejections: [] } : memberAccounts(root, 'MemberList');
  if (owner !== undefined && !members.includes(owner)) members.unshift(owner);
  const { time, stamped } = eventTimeOrArrival(root, arrivalMs);
  return {
    events: [{ type: 'group.create', time, sdkappid, group, owner, members }],
    rejections,
    dedupeKey: stamped ? dedupeKey('group-create', [group, time]) : undefined,
  };
};

/** `Group.CallbackAfterNewMemberJoin`: one `group.join` per `NewMemberList[].Member_Account`. */
export const translateGroupJoin: CallbackTranslator = ({ sdkappid, body, arrivalMs }) => {
  const root = objectAt(body, '');
  const group = idField(root, 'GroupId');
  const { members, rejections } = memberAccounts(root, 'NewMemberList');
  const { time, stamped } = eventTimeOrArrival(root, arrivalMs);
  return {
    events: members.map((user) => ({ type: 'group.join', time, sdkappid, group, user })),
    rejections,
    dedupeKey: stamped ? dedupeKey('group-join', [group, time, ...[...members].sort()]) : undefined,
  };
};

/** `Group.CallbackAfterMemberExit`: one `group.quit` per `ExitMemberList[].Member_Account`, quit or kicked alike. */
export const translateGroupExit: CallbackTranslator = ({ sdkappid, body, arrivalMs }) => {
  const root = objectAt(body, '');
  const group = idField(root, 'GroupId');
  const { members, rejections } = memberAccounts(root, 'ExitMemberList');
  const { time, stamped } = eventTimeOrArrival(root, arrivalMs);
  return {
    events: members.map((user) => ({ type: 'group.quit', time, sdkappid, group, user })),
    rejections,
    dedupeKey: stamped ? dedupeKey('group-exit', [group, time, ...[...members].sort()]) : undefined,
  };
};

/** `Group.CallbackAfterGroupDestroyed`: one `group.destroy` for `GroupId` (its members leave with it; not exits). */
export const translateGroupDestroy: CallbackTranslator = ({ sdkappid, body, arrivalMs }) => {
  const root = objectAt(body, '');
  const group = idField(root, 'GroupId');
  const { time, stamped } = eventTimeOrArrival(root, arrivalMs);
  return {
    events: [{ type: 'group.destroy', time, sdkappid, group }],
    dedupeKey: stamped ? dedupeKey('group-destroy', [group, time]) : undefined,
  };
};
