import type { ImEvent } from '../../event.js';
import { absent, arrayField, idField, msTimeField, objectAt, objectField, stringField } from './body-fields.js';
import { CallbackBodyError, type CallbackTranslator, type ItemRejection } from './callback-translation.js';
import { dedupeKey } from './dedupe-key.js';
import { platformName } from './platform-name.js';

/** Tencent's `Info.Action` values and the canonical event each becomes (compared case-insensitively). */
const ACTIONS: ReadonlyMap<string, 'user.login' | 'user.logout'> = new Map([
  ['login', 'user.login'],
  ['logout', 'user.logout'],
  ['disconnect', 'user.logout'],
]);

/**
 * `State.StateChange`: `Info.Action` Login → `user.login`, Logout / Disconnect → `user.logout`
 * for `Info.To_Account`, at `EventTime` (ms; the arrival time when an old backend omits it), on
 * the platform named by the URL's `OptPlatform` (normalised, see platformName). A Login carrying
 * `KickedDevice` first ends each kicked platform's session: one `user.logout` per platform at the
 * same instant, placed before the login (the pipeline keeps equal-time events in order).
 * Other actions (custom-status updates) carry no presence change and are ignored.
 * Dedupe key: user + EventTime + action + platform (none without EventTime).
 */
export const translateStateChange: CallbackTranslator = ({ sdkappid, optPlatform, body, arrivalMs }) => {
  const root = objectAt(body, '');
  const info = objectField(root, 'Info');
  const action = stringField(info, 'Action');
  const type = ACTIONS.get(action.toLowerCase());
  if (!type) return { ignore: `Info.Action ${JSON.stringify(action)} is not Login, Logout or Disconnect: no presence change` };
  const user = idField(info, 'To_Account');
  const stamped = !absent(root, 'EventTime');
  const time = stamped ? msTimeField(root, 'EventTime') : arrivalMs;
  const platform = platformName(optPlatform);

  const events: ImEvent[] = [];
  const rejections: ItemRejection[] = [];
  if (type === 'user.login' && !absent(root, 'KickedDevice')) {
    const kickedPlatforms = new Set<string>();
    arrayField(root, 'KickedDevice').forEach((element, i) => {
      const path = `KickedDevice[${i}]`;
      try {
        const device = objectAt(element, path);
        kickedPlatforms.add(platformName(stringField(device, 'Platform'), `${path}.Platform`));
      } catch (err) {
        if (!(err instanceof CallbackBodyError)) throw err;
        rejections.push({ path: err.path, reason: err.message });
      }
    });
    for (const kicked of kickedPlatforms) events.push({ type: 'user.logout', time, sdkappid, user, platform: kicked });
  }
  events.push({ type, time, sdkappid, user, platform });
  return {
    events,
    rejections,
    dedupeKey: stamped ? dedupeKey('state', [user, time, action.toLowerCase(), platform]) : undefined,
  };
};
