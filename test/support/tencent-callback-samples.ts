/**
 * Callback bodies in the documented Tencent formats (Tencent Cloud IM "Webhooks" pages: state
 * change, after one-to-one / group message, group created / member joined / member left / group
 * destroyed, friend added / deleted, offline push), for tests. Each builder takes overrides.
 */

/** 2024-06-10 10:00:00 UTC, the base instant of the samples. */
export const T0_MS = Date.UTC(2024, 5, 10, 10, 0, 0);
export const T0_S = T0_MS / 1000;

type Body = Record<string, unknown>;

export function stateChangeBody(over: { action?: string; user?: string; eventTime?: number | string; reason?: string; kicked?: string[] } = {}): Body {
  const body: Body = {
    CallbackCommand: 'State.StateChange',
    EventTime: over.eventTime ?? T0_MS + 123,
    Info: { Action: over.action ?? 'Login', To_Account: over.user ?? 'u_1001', Reason: over.reason ?? 'Register' },
  };
  if (over.kicked) body.KickedDevice = over.kicked.map((Platform) => ({ Platform }));
  return body;
}

export function c2cAfterSendBody(over: Body = {}): Body {
  return {
    CallbackCommand: 'C2C.CallbackAfterSendMsg',
    From_Account: 'jared',
    To_Account: 'Jonh',
    MsgSeq: 48374,
    MsgRandom: 2837546,
    MsgTime: T0_S + 5,
    MsgKey: `48374_2837546_${T0_S + 5}`,
    OnlineOnlyFlag: 0,
    SendMsgResult: 0,
    ErrorInfo: 'send msg succeed',
    UnreadMsgNum: 7,
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'red packet' } }],
    CloudCustomData: 'your cloud custom data',
    ...over,
  };
}

export function groupAfterSendBody(over: Body = {}): Body {
  return {
    CallbackCommand: 'Group.CallbackAfterSendMsg',
    GroupId: '@TGS#2J4SZEAEL',
    Type: 'Public',
    From_Account: 'jared',
    Operator_Account: 'admin',
    Random: 123456,
    MsgSeq: 123,
    MsgTime: T0_S + 7,
    OnlineOnlyFlag: 0,
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'red packet' } }],
    CloudCustomData: 'your cloud custom data',
    ...over,
  };
}

export function groupCreatedBody(over: Body = {}): Body {
  return {
    CallbackCommand: 'Group.CallbackAfterCreateGroup',
    GroupId: '@TGS#2J4SZEAEL',
    Operator_Account: 'group_root',
    Owner_Account: 'leckie',
    Type: 'Public',
    Name: 'MyFirstGroup',
    CreatedGroupNum: 1,
    MemberList: [{ Member_Account: 'bob' }, { Member_Account: 'peter' }],
    UserDefinedDataList: [{ Key: 'UserDefined1', Value: 'hello' }],
    EventTime: T0_MS + 1_000,
    ...over,
  };
}

export function memberJoinedBody(over: Body = {}): Body {
  return {
    CallbackCommand: 'Group.CallbackAfterNewMemberJoin',
    GroupId: '@TGS#2J4SZEAEL',
    Type: 'Public',
    JoinType: 'Apply',
    Operator_Account: 'leckie',
    NewMemberList: [{ Member_Account: 'jared' }, { Member_Account: 'tommy' }],
    EventTime: T0_MS + 2_000,
    ...over,
  };
}

export function memberExitBody(over: Body = {}): Body {
  return {
    CallbackCommand: 'Group.CallbackAfterMemberExit',
    GroupId: '@TGS#2J4SZEAEL',
    Type: 'Public',
    ExitType: 'Kicked',
    Operator_Account: 'leckie',
    ExitMemberList: [{ Member_Account: 'jared' }, { Member_Account: 'tommy' }],
    EventTime: String(T0_MS + 3_000),
    ...over,
  };
}

export function groupDestroyedBody(over: Body = {}): Body {
  return {
    CallbackCommand: 'Group.CallbackAfterGroupDestroyed',
    GroupId: '@TGS#2J4SZEAEL',
    Type: 'Public',
    Owner_Account: 'leckie',
    Name: 'MyFirstGroup',
    MemberList: [{ Member_Account: 'leckie' }, { Member_Account: 'bob' }],
    EventTime: T0_MS + 4_000,
    ...over,
  };
}

export function friendAddBody(pairs: readonly (readonly [string, string])[] = [['id', 'id1'], ['id', 'id2']], over: Body = {}): Body {
  return {
    CallbackCommand: 'Sns.CallbackFriendAdd',
    PairList: pairs.map(([from, to]) => ({ From_Account: from, To_Account: to, Initiator_Account: from })),
    ClientCmd: 'friend_add',
    Admin_Account: '',
    ForceFlag: 1,
    ...over,
  };
}

export function friendDeleteBody(pairs: readonly (readonly [string, string])[] = [['id', 'id1'], ['id', 'id2'], ['id', 'id3']], over: Body = {}): Body {
  return {
    CallbackCommand: 'Sns.CallbackFriendDelete',
    PairList: pairs.map(([from, to]) => ({ From_Account: from, To_Account: to })),
    ...over,
  };
}

/** One element of a Push.OfflinePush `Events` array; `c2c` or `group` picks the documented shape. */
export function offlinePushEvent(chat: 'c2c' | 'group', over: Body = {}): Body {
  const common = {
    CallbackCommand: 'Push.OfflinePush',
    EventType: chat === 'c2c' ? 1 : 2,
    EventTime: T0_S + 10,
    From_Account: 'user1',
    To_Account: 'user2',
    PushPlatform: 1,
    PushStage: 1,
    MsgSeq: 48374,
    MsgRandom: 2837546,
    MsgTime: T0_S + 9,
    PushID: '67120c46_6a4086c0_9bf5fb50_200002d1089b322_2000005d8d46421',
    ErrCode: 0,
    ErrInfo: 'OK',
  };
  const specific = chat === 'c2c' ? { MsgKey: `48374_2837546_${T0_S + 9}` } : { GroupID: '@TGS#12DEVUDHQ' };
  return { ...common, ...specific, ...over };
}

export function offlinePushBody(events: readonly unknown[]): Body {
  return { Events: events };
}
