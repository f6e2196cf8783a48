import { absent, idField, integerField, msTimeField, objectAt, optionalStringField, type BodyObject } from '../tencent-callback/body-fields.js';
import { CallbackBodyError } from '../tencent-callback/callback-translation.js';
import { dedupeKey } from '../tencent-callback/dedupe-key.js';
import { intOrZero } from './openim-fields.js';
import { openImPlatform } from './openim-platform.js';
import type { WebhookTranslator } from './webhook-translation.js';

/** OpenIM's `sessionType`s (protocol constant): one-to-one, the two group kinds, system notifications. */
const SINGLE_CHAT = 1;
const GROUP_CHATS: ReadonlySet<number> = new Set([2, 3]);
/** OpenIM's `contentType`s from NotificationBegin to NotificationEnd are system notices the server sends, not user messages. */
const NOTIFICATION_BEGIN = 1000;
const NOTIFICATION_END = 5000;

/**
 * When the message was sent, Unix ms: `sendTime` (the server's clock when it accepted the
 * message; OpenIM fills it when the client did not), else `createTime` (the sender device's
 * clock). Go writes 0 for unset times; one of the two is required.
 */
function messageTime(root: BodyObject): number {
  if (!absent(root, 'sendTime') && integerField(root, 'sendTime') !== 0) return msTimeField(root, 'sendTime');
  if (!absent(root, 'createTime') && integerField(root, 'createTime') !== 0) return msTimeField(root, 'createTime');
  throw new CallbackBodyError('sendTime', 'missing', 'sendTime and createTime are both missing or 0');
}

/** Why a message body carries no user message (a system notification), or undefined. */
function notUserMessage(root: BodyObject): string | undefined {
  const contentType = intOrZero(root, 'contentType');
  if (contentType >= NOTIFICATION_BEGIN && contentType <= NOTIFICATION_END) return `contentType ${contentType} is a system notification, not a user message`;
  return undefined;
}

/** The sender's platform from `senderPlatformID`; undefined when 0 (not set). */
function senderPlatform(root: BodyObject): { platform?: string } {
  const id = intOrZero(root, 'senderPlatformID');
  return id === 0 ? {} : { platform: openImPlatform(id) };
}

/** Dedupe key: the command and `serverMsgID` (unique per message), else sender + `clientMsgID`. */
function messageKey(command: string, root: BodyObject, from: string): string | undefined {
  const server = optionalStringField(root, 'serverMsgID');
  if (server) return dedupeKey('openim-msg', [command, server]);
  const client = optionalStringField(root, 'clientMsgID');
  return client ? dedupeKey('openim-msg', [command, from, client]) : undefined;
}

/**
 * `callbackAfterSendSingleMsgCommand` (`CallbackAfterSendSingleMsgReq`: CommonCallbackReq +
 * `recvID`): one `msg.c2c` from `sendID` to `recvID` at the message time, platform from
 * `senderPlatformID`. OpenIM sends it only after the message was stored, so `ok` is true and the
 * delivery is derived from presence. System notifications (sessionType 4, contentType 1000–5000)
 * are ignored.
 */
export const translateSingleMessage: WebhookTranslator = ({ sdkappid, command, body }) => {
  const root = objectAt(body, '');
  const sessionType = intOrZero(root, 'sessionType');
  if (sessionType !== SINGLE_CHAT) {
    if (sessionType === 4) return { ignore: 'sessionType 4 is a system notification, not a user message' };
    throw new CallbackBodyError('sessionType', 'bad-value', `sessionType must be 1 (one-to-one) for ${command}, got ${sessionType}`);
  }
  const skip = notUserMessage(root);
  if (skip) return { ignore: skip };
  const from = idField(root, 'sendID');
  const to = idField(root, 'recvID');
  const time = messageTime(root);
  return { events: [{ type: 'msg.c2c', time, sdkappid, from, to, ok: true, ...senderPlatform(root) }], dedupeKey: messageKey(command, root, from) };
};

/**
 * `callbackAfterSendGroupMsgCommand` (`CallbackAfterSendGroupMsgReq`: CommonCallbackReq +
 * `groupID`): one `msg.group` from `sendID` in `groupID` (sessionType 2 or 3), deliveries derived
 * from membership and presence. System notifications are ignored.
 */
export const translateGroupMessage: WebhookTranslator = ({ sdkappid, command, body }) => {
  const root = objectAt(body, '');
  const sessionType = intOrZero(root, 'sessionType');
  if (!GROUP_CHATS.has(sessionType)) {
    if (sessionType === 4) return { ignore: 'sessionType 4 is a system notification, not a user message' };
    throw new CallbackBodyError('sessionType', 'bad-value', `sessionType must be 2 or 3 (group) for ${command}, got ${sessionType}`);
  }
  const skip = notUserMessage(root);
  if (skip) return { ignore: skip };
  const from = idField(root, 'sendID');
  const group = idField(root, 'groupID');
  const time = messageTime(root);
  return { events: [{ type: 'msg.group', time, sdkappid, from, group, ...senderPlatform(root) }], dedupeKey: messageKey(command, root, from) };
};
