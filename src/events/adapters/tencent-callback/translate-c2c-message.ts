import { absent, idField, integerField, objectAt, optionalStringField } from './body-fields.js';
import type { CallbackTranslator } from './callback-translation.js';
import { dedupeKey } from './dedupe-key.js';
import { messageTime } from './message-time.js';
import { platformName } from './platform-name.js';

/**
 * `C2C.CallbackAfterSendMsg`: one `msg.c2c` from `From_Account` to `To_Account` at the message
 * time (see messageTime), `ok` = `SendMsgResult` is 0 (absent: 0, the callback follows a send).
 * `platform` = the sender's `OptPlatform`. Delivery is left to the pipeline to derive from presence. Dedupe key: the conversation and
 * `MsgKey` (Tencent's `MsgSeq_MsgRandom_MsgTime`); built from those three fields when an old
 * backend sends no MsgKey.
 */
export const translateC2cMessage: CallbackTranslator = ({ sdkappid, optPlatform, body }) => {
  const root = objectAt(body, '');
  const from = idField(root, 'From_Account');
  const to = idField(root, 'To_Account');
  const time = messageTime(root);
  const platform = platformName(optPlatform);
  const result = absent(root, 'SendMsgResult') ? 0 : integerField(root, 'SendMsgResult');
  const msgKey =
    optionalStringField(root, 'MsgKey') ??
    (absent(root, 'MsgSeq') || absent(root, 'MsgRandom') || absent(root, 'MsgTime')
      ? undefined
      : `${integerField(root, 'MsgSeq')}_${integerField(root, 'MsgRandom')}_${integerField(root, 'MsgTime')}`);
  return {
    events: [{ type: 'msg.c2c', time, sdkappid, from, to, ok: result === 0, platform }],
    dedupeKey: msgKey === undefined || msgKey === '' ? undefined : dedupeKey('c2c', [from, to, msgKey]),
  };
};
