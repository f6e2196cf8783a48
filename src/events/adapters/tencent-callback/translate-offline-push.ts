import type { Push } from '../../event.js';
import { absent, arrayField, elementPath, integerField, objectAt, optionalIdField, secondsTimeField, type BodyObject } from './body-fields.js';
import { CallbackBodyError, type CallbackTranslator, type ItemRejection } from './callback-translation.js';
import { dedupeKey } from './dedupe-key.js';
import { pushVendor } from './push-vendor.js';
import { MAX_NESTING, nestedTooDeep } from '../../json-limits.js';

/** `PushStage` of a push handed to the vendor (the one counted). */
const STAGE_SENT = 1;

/**
 * The chat a push belongs to: Tencent's `EventType` (1 = one-to-one, 2 = group); without it, a
 * body naming a group (`GroupID`, as the push callback spells it, or `GroupId`) is a group push
 * and anything else one-to-one.
 */
function chatOf(event: BodyObject): 'c2c' | 'group' {
  if (absent(event, 'EventType')) return absent(event, 'GroupID') && absent(event, 'GroupId') ? 'c2c' : 'group';
  const type = integerField(event, 'EventType');
  if (type === 1) return 'c2c';
  if (type === 2) return 'group';
  const path = `${event.path}.EventType`;
  throw new CallbackBodyError(path, 'bad-value', `${path} must be 1 (one-to-one) or 2 (group), got ${type}`);
}

/** Push `EventTime` is in seconds; then `MsgTime` (seconds); then the arrival. */
function pushTime(event: BodyObject, arrivalMs: number): number {
  if (!absent(event, 'EventTime')) return secondsTimeField(event, 'EventTime');
  if (!absent(event, 'MsgTime')) return secondsTimeField(event, 'MsgTime');
  return arrivalMs;
}

/**
 * `Push.OfflinePush`: one `push` per `Events[]` element that was sent (`PushStage` 1) and
 * succeeded (`ErrCode` 0); other stages and failures are acknowledged and not counted. `vendor`
 * from `PushPlatform` (1 = `apns`, see pushVendor), `chat` from chatOf, `to` = `To_Account`.
 * A malformed element is rejected alone. Dedupe key: the content of `Events` (a retried batch is
 * byte-identical; each element carries its PushID, EventTime and accounts).
 */
export const translateOfflinePush: CallbackTranslator = ({ sdkappid, body, arrivalMs }) => {
  const root = objectAt(body, '');
  const list = arrayField(root, 'Events');
  const events: Push[] = [];
  const rejections: ItemRejection[] = [];
  // Deep elements are rejected alone and left out of the key: JSON.stringify overflows on them.
  const identity: unknown[] = [];
  for (let i = 0; i < list.length; i++) {
    try {
      const path = elementPath(root, 'Events', i);
      if (nestedTooDeep(list[i])) {
        identity.push(`deep:${i}`);
        throw new CallbackBodyError(path, 'bad-value', `${path} is nested deeper than ${MAX_NESTING} levels`);
      }
      identity.push(list[i]);
      const event = objectAt(list[i], path);
      const stage = integerField(event, 'PushStage');
      const code = integerField(event, 'PushPlatform');
      const chat = chatOf(event);
      const time = pushTime(event, arrivalMs);
      const to = optionalIdField(event, 'To_Account');
      if (stage !== STAGE_SENT || integerField(event, 'ErrCode') !== 0) continue;
      events.push(to === undefined ? { type: 'push', time, sdkappid, chat, vendor: pushVendor(code) } : { type: 'push', time, sdkappid, chat, vendor: pushVendor(code), to });
    } catch (err) {
      if (!(err instanceof CallbackBodyError)) throw err;
      rejections.push({ path: err.path, reason: err.message });
    }
  }
  return { events, rejections, dedupeKey: list.length === 0 ? undefined : dedupeKey('push', [JSON.stringify(identity)]) };
};
