// Tests only: OpenIM webhook bodies as open-im-server's Go structs encode them
// (pkg/callbackstruct: every field present, Go zero values for unset ones, nil slices as null).
// Written from the struct definitions, not copied; override any field per test.
import { OPENIM_COMMANDS } from '../../src/events/adapters/openim-webhook/openim-commands.js';

type Fields = Record<string, unknown>;

/** `CommonCallbackReq` of a message webhook. */
function commonMessage(command: string, f: Fields): Fields {
  return {
    sendID: 'alice',
    callbackCommand: command,
    serverMsgID: 'b0c6a3f0d9e5e6f1a2b3c4d5e6f7a8b9',
    clientMsgID: 'c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6',
    operationID: '1718000000123-op',
    senderPlatformID: 1,
    senderNickname: 'Alice',
    sessionType: 1,
    msgFrom: 100,
    contentType: 101,
    status: 1,
    sendTime: 1718000000456,
    createTime: 1718000000400,
    content: '{"content":"hi"}',
    seq: 7,
    atUserList: null,
    faceURL: '',
    ex: '',
    ...f,
  };
}

/** `CallbackAfterSendSingleMsgReq`. */
export const singleMsgBody = (f: Fields = {}): Fields => commonMessage(OPENIM_COMMANDS.singleMsg, { recvID: 'bob', ...f });

/** `CallbackAfterSendGroupMsgReq` (sessionType 3, OpenIM's ReadGroupChatType, the kind it creates). */
export const groupMsgBody = (f: Fields = {}): Fields => commonMessage(OPENIM_COMMANDS.groupMsg, { sessionType: 3, groupID: 'g-1001', ...f });

/** `CallbackUserOnlineReq` / `CallbackUserOfflineReq` / `CallbackUserKickOffReq`. */
export function userStatusBody(command: 'online' | 'offline' | 'kickoff', f: Fields = {}): Fields {
  const name = { online: OPENIM_COMMANDS.userOnline, offline: OPENIM_COMMANDS.userOffline, kickoff: OPENIM_COMMANDS.userKickOff }[command];
  const base: Fields = { callbackCommand: name, operationID: 'p_4242_17', platformID: 1, platform: 'IOS', userID: 'alice', seq: 1718000000123 };
  if (command === 'online') Object.assign(base, { isAppBackground: false, connID: 'conn-1' });
  if (command === 'offline') Object.assign(base, { connID: 'conn-1' });
  return { ...base, ...f };
}

/** `CallbackAfterUserRegisterReq` (users are OpenIM's `sdkws.UserInfo`). */
export function registerBody(users: readonly string[], f: Fields = {}, createTime = 0): Fields {
  return {
    callbackCommand: OPENIM_COMMANDS.userRegister,
    users: users.map((userID) => ({ userID, nickname: userID, faceURL: '', ex: '', createTime, appMangerLevel: 0, globalRecvMsgOpt: 0 })),
    ...f,
  };
}

/** `CallbackAfterCreateGroupReq`: the flattened `sdkws.GroupInfo` and `initMemberList`. */
export function createGroupBody(f: Fields = {}, members: readonly string[] = ['alice', 'bob', 'carol']): Fields {
  return {
    callbackCommand: OPENIM_COMMANDS.createGroup,
    groupID: 'g-1001',
    groupName: 'Team',
    notification: '',
    introduction: '',
    faceURL: '',
    ownerUserID: members[0] ?? '',
    createTime: 1718000000789,
    memberCount: members.length,
    ex: '',
    status: 0,
    creatorUserID: members[0] ?? '',
    groupType: 2,
    needVerification: 0,
    lookMemberInfo: 0,
    applyMemberFriend: 0,
    notificationUpdateTime: 0,
    notificationUserID: '',
    initMemberList: members.map((userID, i) => ({ userID, roleLevel: i === 0 ? 100 : 20 })),
    ...f,
  };
}

/** `CallbackAfterJoinGroupReq` (the joining user is `inviterUserID`). */
export const joinGroupBody = (f: Fields = {}): Fields => ({
  callbackCommand: OPENIM_COMMANDS.joinGroup,
  operationID: 'op-join-1',
  groupID: 'g-1001',
  reqMessage: '',
  joinSource: 3,
  inviterUserID: 'dave',
  ...f,
});

/** `CallbackQuitGroupReq`. */
export const quitGroupBody = (f: Fields = {}): Fields => ({ callbackCommand: OPENIM_COMMANDS.quitGroup, groupID: 'g-1001', userID: 'bob', ...f });

/** `CallbackKillGroupMemberReq`. */
export const kickGroupBody = (f: Fields = {}): Fields => ({ callbackCommand: OPENIM_COMMANDS.kickGroup, groupID: 'g-1001', kickedUserIDs: ['carol', 'dave'], reason: '', ...f });

/** `CallbackDisMissGroupReq`. */
export const dismissGroupBody = (f: Fields = {}): Fields => ({
  callbackCommand: OPENIM_COMMANDS.dismissGroup,
  groupID: 'g-1001',
  ownerID: 'alice',
  groupType: '',
  membersID: ['alice', 'bob'],
  ...f,
});

/** `CallbackAfterAddFriendAgreeReq` (the responder under `blackUserID`, as OpenIM's tag spells it). */
export const friendAgreeBody = (f: Fields = {}): Fields => ({
  callbackCommand: OPENIM_COMMANDS.addFriendAgree,
  fromUserID: 'alice',
  blackUserID: 'bob',
  HandleResult: 1,
  HandleMsg: '',
  ...f,
});

/** `CallbackAfterImportFriendsReq`. */
export const importFriendsBody = (f: Fields = {}): Fields => ({ callbackCommand: OPENIM_COMMANDS.importFriends, ownerUserID: 'alice', friendUserIDs: ['bob', 'carol'], ...f });

/** `CallbackAfterDeleteFriendReq`. */
export const deleteFriendBody = (f: Fields = {}): Fields => ({ callbackCommand: OPENIM_COMMANDS.deleteFriend, ownerUserID: 'alice', friendUserID: 'bob', ...f });

/** `CallbackBeforePushReq` of the offline push: status base, `userIDList`, the flattened `OfflinePushInfo`, the message. */
export const offlinePushBody = (f: Fields = {}): Fields => ({
  callbackCommand: OPENIM_COMMANDS.offlinePush,
  operationID: 'op-push-1',
  platformID: 2,
  platform: 'Android',
  userIDList: ['bob'],
  title: '',
  desc: '',
  ex: '',
  iOSPushSound: '',
  iOSBadgeCount: false,
  signalInfo: '',
  clientMsgID: 'c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6',
  sendID: 'alice',
  groupID: '',
  contentType: 101,
  sessionType: 1,
  atUserIDList: null,
  content: '{"content":"hi"}',
  ...f,
});

/** `CallbackBeforeSendSingleMsgReq`: a before-event, answered "continue". */
export const beforeSingleMsgBody = (f: Fields = {}): Fields => commonMessage('callbackBeforeSendSingleMsgCommand', { recvID: 'bob', ...f });
