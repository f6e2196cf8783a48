/**
 * OpenIM's webhook command names, as `open-im-server/pkg/callbackstruct/constant.go` spells them
 * (the last URL segment and the body's `callbackCommand`). Only the ones imstats reads are listed.
 */
export const OPENIM_COMMANDS = {
  userOnline: 'callbackAfterUserOnlineCommand',
  userOffline: 'callbackAfterUserOfflineCommand',
  userKickOff: 'callbackAfterUserKickOffCommand',
  userRegister: 'callbackAfterUserRegisterCommand',
  singleMsg: 'callbackAfterSendSingleMsgCommand',
  groupMsg: 'callbackAfterSendGroupMsgCommand',
  createGroup: 'callbackAfterCreateGroupCommand',
  joinGroup: 'callbackAfterJoinGroupCommand',
  quitGroup: 'callbackAfterQuitGroupCommand',
  kickGroup: 'callbackAfterKickGroupCommand',
  dismissGroup: 'callbackAfterDisMissGroupCommand',
  addFriendAgree: 'callbackAfterAddFriendAgreeCommand',
  importFriends: 'callbackAfterImportFriendsCommand',
  deleteFriend: 'callbackAfterDeleteFriendCommand',
  offlinePush: 'callbackBeforeOfflinePushCommand',
} as const;

export type OpenImCommand = (typeof OPENIM_COMMANDS)[keyof typeof OPENIM_COMMANDS];

/**
 * A before-event webhook: OpenIM waits for its answer (SyncPost) and, when `nextCode` is 1,
 * stops the user's action. imstats answers them "continue" and counts none of them, except
 * `callbackBeforeOfflinePushCommand`, the only notice OpenIM gives of an offline push.
 */
export function isBeforeCommand(command: string): boolean {
  return command.startsWith('callbackBefore');
}
