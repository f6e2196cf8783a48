import { absent, idField, objectAt, optionalStringField } from '../tencent-callback/body-fields.js';
import { dedupeKey } from '../tencent-callback/dedupe-key.js';
import { OPENIM_COMMANDS } from './openim-commands.js';
import { intOrZero, msTimeOrArrival } from './openim-fields.js';
import { openImPlatform, openImPlatformByName } from './openim-platform.js';
import type { WebhookTranslator } from './webhook-translation.js';

const TYPES: ReadonlyMap<string, 'user.login' | 'user.logout'> = new Map([
  [OPENIM_COMMANDS.userOnline, 'user.login'],
  [OPENIM_COMMANDS.userOffline, 'user.logout'],
  // The session on that platform was ended by another login or by the server.
  [OPENIM_COMMANDS.userKickOff, 'user.logout'],
]);

/**
 * `callbackAfterUserOnlineCommand` / `…OfflineCommand` / `…KickOffCommand` (OpenIM's
 * `CallbackUserOnlineReq` and siblings: `userID`, `platformID`, `platform`, `seq`, `connID`):
 * one `user.login` / `user.logout` for `userID` on the platform of `platformID` (its name in
 * `platform` when the id is 0). The time is `seq`, where OpenIM writes the gateway's clock in
 * Unix ms at the status change (arrival time when it is 0). Dedupe key: command + user + platform
 * id + seq + connID (the body's operationID names a batch of status changes, not one).
 */
export const translateUserStatus: WebhookTranslator = ({ sdkappid, command, body, arrivalMs }) => {
  const type = TYPES.get(command)!;
  const root = objectAt(body, '');
  const user = idField(root, 'userID');
  const platformId = intOrZero(root, 'platformID');
  const platform = platformId === 0 && !absent(root, 'platform') ? openImPlatformByName(optionalStringField(root, 'platform') ?? '') : openImPlatform(platformId);
  const { time, stamped } = msTimeOrArrival(root, 'seq', arrivalMs);
  const connId = optionalStringField(root, 'connID') ?? '';
  return {
    events: [{ type, time, sdkappid, user, platform }],
    dedupeKey: stamped ? dedupeKey('openim-status', [command, user, platformId, time, connId]) : undefined,
  };
};
