import type { ImEvent } from '../../event.js';
import { objectAt, optionalStringField } from '../tencent-callback/body-fields.js';
import { CallbackBodyError } from '../tencent-callback/callback-translation.js';
import { dedupeKey } from '../tencent-callback/dedupe-key.js';
import { idList, intOrZero, operationIdOf } from './openim-fields.js';
import type { WebhookTranslator } from './webhook-translation.js';

/**
 * `callbackBeforeOfflinePushCommand` (`CallbackBeforePushReq`: `userIDList` the offline
 * recipients, `sessionType`, `sendID`, `groupID`, `clientMsgID`): OpenIM's only notice of an
 * offline push (it has no after-push webhook), sent just before it hands the push to its
 * provider. imstats answers "continue", so the push goes ahead: one `push` per recipient, `chat`
 * from sessionType (1 → c2c, 2/3 → group; notifications, 4, are ignored), `vendor` the app's
 * configured OpenIM push provider (the body names none), at arrival. A push the provider then
 * fails is still counted: OpenIM does not report it back.
 */
export const translateOfflinePush: WebhookTranslator = ({ sdkappid, command, body, arrivalMs, operationId, pushVendor }) => {
  const root = objectAt(body, '');
  const sessionType = intOrZero(root, 'sessionType');
  if (sessionType === 4) return { ignore: 'sessionType 4 is a system notification push' };
  if (sessionType !== 1 && sessionType !== 2 && sessionType !== 3) {
    throw new CallbackBodyError('sessionType', 'bad-value', `sessionType must be 1, 2 or 3, got ${sessionType}`);
  }
  const chat = sessionType === 1 ? 'c2c' : 'group';
  const { ids, rejections } = idList(root, 'userIDList');
  const events: ImEvent[] = ids.map((to) => ({ type: 'push', time: arrivalMs, sdkappid, chat, vendor: pushVendor, to }));
  const op = operationIdOf(root, operationId);
  const message = optionalStringField(root, 'clientMsgID') ?? '';
  return { events, rejections, dedupeKey: op || message ? dedupeKey('openim-push', [command, op ?? '', message, ...ids]) : undefined };
};
