import { OPENIM_COMMANDS } from './openim-commands.js';
import { translateDeleteFriend, translateFriendAgree, translateImportFriends } from './translate-friend.js';
import { translateCreateGroup, translateDismissGroup, translateJoinGroup, translateKickGroup, translateQuitGroup } from './translate-group.js';
import { translateGroupMessage, translateSingleMessage } from './translate-message.js';
import { translateOfflinePush } from './translate-offline-push.js';
import { translateRegister } from './translate-register.js';
import { translateUserStatus } from './translate-user-status.js';
import type { WebhookTranslator } from './webhook-translation.js';

/**
 * Every OpenIM webhook command that feeds the statistics, with its translator. Commands not
 * listed — every other before-event and after-event — are acknowledged and not counted.
 */
export const WEBHOOK_TRANSLATORS: ReadonlyMap<string, WebhookTranslator> = new Map([
  [OPENIM_COMMANDS.userOnline, translateUserStatus],
  [OPENIM_COMMANDS.userOffline, translateUserStatus],
  [OPENIM_COMMANDS.userKickOff, translateUserStatus],
  [OPENIM_COMMANDS.userRegister, translateRegister],
  [OPENIM_COMMANDS.singleMsg, translateSingleMessage],
  [OPENIM_COMMANDS.groupMsg, translateGroupMessage],
  [OPENIM_COMMANDS.createGroup, translateCreateGroup],
  [OPENIM_COMMANDS.joinGroup, translateJoinGroup],
  [OPENIM_COMMANDS.quitGroup, translateQuitGroup],
  [OPENIM_COMMANDS.kickGroup, translateKickGroup],
  [OPENIM_COMMANDS.dismissGroup, translateDismissGroup],
  [OPENIM_COMMANDS.addFriendAgree, translateFriendAgree],
  [OPENIM_COMMANDS.importFriends, translateImportFriends],
  [OPENIM_COMMANDS.deleteFriend, translateDeleteFriend],
  [OPENIM_COMMANDS.offlinePush, translateOfflinePush],
]);
