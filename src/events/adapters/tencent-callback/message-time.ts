import { absent, msTimeField, secondsTimeField, type BodyObject } from './body-fields.js';
import { CallbackBodyError } from './callback-translation.js';

/**
 * When a message was sent, Unix ms: `EventTime` (ms) when the body has it — newer Tencent
 * versions add it, and its millisecond precision keeps a message after a login in the same
 * second — else `MsgTime` (seconds) × 1000. One of the two is required.
 */
export function messageTime(obj: BodyObject): number {
  if (!absent(obj, 'EventTime')) return msTimeField(obj, 'EventTime');
  if (!absent(obj, 'MsgTime')) return secondsTimeField(obj, 'MsgTime');
  throw new CallbackBodyError('MsgTime', 'missing', 'MsgTime is missing (and there is no EventTime)');
}
