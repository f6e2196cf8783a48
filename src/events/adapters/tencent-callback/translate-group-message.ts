import { absent, idField, integerField, objectAt } from './body-fields.js';
import type { CallbackTranslator } from './callback-translation.js';
import { dedupeKey } from './dedupe-key.js';
import { messageTime } from './message-time.js';
import { platformName } from './platform-name.js';

/**
 * `Group.CallbackAfterSendMsg`: one `msg.group` from `From_Account` in `GroupId` at the message
 * time (`EventTime` ms, else `MsgTime` s). Deliveries are derived by the pipeline from membership
 * and presence; `platform` = the sender's `OptPlatform`. Dedupe key: `GroupId` + `MsgSeq` (a group's sequence numbers are unique).
 */
export const translateGroupMessage: CallbackTranslator = ({ sdkappid, optPlatform, body }) => {
  const root = objectAt(body, '');
  const group = idField(root, 'GroupId');
  const from = idField(root, 'From_Account');
  const time = messageTime(root);
  const platform = platformName(optPlatform);
  return {
    events: [{ type: 'msg.group', time, sdkappid, from, group, platform }],
    dedupeKey: absent(root, 'MsgSeq') ? undefined : dedupeKey('group-msg', [group, integerField(root, 'MsgSeq')]),
  };
};
