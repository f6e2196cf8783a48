import type { ImEvent } from '../../event.js';
import { arrayField, elementPath, idField, objectAt } from '../tencent-callback/body-fields.js';
import { CallbackBodyError, type ItemRejection } from '../tencent-callback/callback-translation.js';
import { dedupeKey } from '../tencent-callback/dedupe-key.js';
import { msTimeOrArrival, operationIdOf } from './openim-fields.js';
import type { WebhookTranslator } from './webhook-translation.js';

/**
 * `callbackAfterUserRegisterCommand` (`CallbackAfterUserRegisterReq`: `users[]`, OpenIM's
 * `UserInfo` with `userID` and `createTime` ms): one `user.register` per user, at its createTime
 * (arrival when 0). A bad element is left out alone. Dedupe key: the operationID and the users.
 */
export const translateRegister: WebhookTranslator = ({ sdkappid, command, body, arrivalMs, operationId }) => {
  const root = objectAt(body, '');
  const events: ImEvent[] = [];
  const rejections: ItemRejection[] = [];
  const seen = new Set<string>();
  arrayField(root, 'users').forEach((element, i) => {
    try {
      const info = objectAt(element, elementPath(root, 'users', i));
      const user = idField(info, 'userID');
      const { time } = msTimeOrArrival(info, 'createTime', arrivalMs);
      if (!seen.has(user)) {
        seen.add(user);
        events.push({ type: 'user.register', time, sdkappid, user });
      }
    } catch (err) {
      if (!(err instanceof CallbackBodyError)) throw err;
      rejections.push({ path: err.path, reason: err.message });
    }
  });
  const op = operationIdOf(root, operationId);
  return { events, rejections, dedupeKey: op ? dedupeKey('openim-register', [command, op, ...seen]) : undefined };
};
