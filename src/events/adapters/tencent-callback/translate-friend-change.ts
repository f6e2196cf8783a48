import type { FriendAdd, FriendDelete } from '../../event.js';
import { arrayField, elementPath, idField, objectAt } from './body-fields.js';
import { CallbackBodyError, type CallbackTranslator, type ItemRejection } from './callback-translation.js';
import { dedupeKey } from './dedupe-key.js';
import { eventTimeOrArrival } from './event-time.js';

/**
 * `Sns.CallbackFriendAdd` / `Sns.CallbackFriendDelete`: one `friend.add` / `friend.delete` per
 * `PairList` element, `user` = `From_Account`, `peer` = `To_Account` (one direction; a mutual add
 * lists both directions and counts 2). Tencent's friend bodies carry no timestamp, so the time is
 * the arrival (or `EventTime` ms if a backend adds one) and only a stamped body has a dedupe key.
 */
function friendTranslator(type: 'friend.add' | 'friend.delete'): CallbackTranslator {
  return ({ sdkappid, body, arrivalMs }) => {
    const root = objectAt(body, '');
    const list = arrayField(root, 'PairList');
    const { time, stamped } = eventTimeOrArrival(root, arrivalMs);
    const events: (FriendAdd | FriendDelete)[] = [];
    const rejections: ItemRejection[] = [];
    const identity: string[] = [];
    list.forEach((element, i) => {
      try {
        const pair = objectAt(element, elementPath(root, 'PairList', i));
        const user = idField(pair, 'From_Account');
        const peer = idField(pair, 'To_Account');
        events.push({ type, time, sdkappid, user, peer });
        identity.push(user, peer);
      } catch (err) {
        if (!(err instanceof CallbackBodyError)) throw err;
        rejections.push({ path: err.path, reason: err.message });
      }
    });
    return { events, rejections, dedupeKey: stamped ? dedupeKey(type, [time, ...identity]) : undefined };
  };
}

export const translateFriendAdd: CallbackTranslator = friendTranslator('friend.add');
export const translateFriendDelete: CallbackTranslator = friendTranslator('friend.delete');
