import { Readable, type Writable } from 'node:stream';
import { OPENIM_COMMANDS } from '../events/adapters/openim-webhook/openim-commands.js';
import { openImPlatformId } from '../events/adapters/openim-webhook/openim-platform.js';
import type { FriendAdd, ImEvent, Push } from '../events/event.js';

/**
 * One webhook as OpenIM would post it: to `<url>/<command>` (plus `?key=…` for message webhooks),
 * with an `operationID` header, at `at` (Unix ms; the event's time).
 */
export interface OpenImDelivery {
  readonly at: number;
  readonly command: string;
  readonly operationID: string;
  /** Query parameters OpenIM adds (`key`: base64 of the message's sendID/recvID/groupID). */
  readonly query?: Readonly<Record<string, string>>;
  readonly body: Readonly<Record<string, unknown>>;
}

/** Why OpenIM's webhooks cannot say an event; such events are left out of the stream. */
export type LeftOutReason =
  | 'OpenIM has no webhook for deleting a user'
  | 'OpenIM sends after-send webhooks only for stored messages (ok: false)'
  | 'a callback statistic is not an IM event'
  | "OpenIM's friendships are mutual: a one-direction friend.add has no webhook"
  | 'a push without a recipient';

export interface OpenImEncoderOptions {
  /** Called for each event left out, with why. */
  readonly onLeftOut?: (event: ImEvent, reason: LeftOutReason) => void;
}

const PLATFORM_NAMES: Readonly<Record<number, string>> = { 1: 'IOS', 2: 'Android', 3: 'Windows', 4: 'OSX', 5: 'Web', 6: 'MiniWeb', 7: 'Linux', 8: 'APad', 9: 'IPad', 10: 'Admin', 11: 'HarmonyOS' };

/**
 * Canonical events → the webhooks an OpenIM server would post for the same activity, with the
 * bodies of open-im-server's `pkg/callbackstruct` (every field present, as Go encodes them):
 * register → `callbackAfterUserRegisterCommand`; login / logout → after-user-online / -offline
 * (`platformID` in OpenIM's numbering, `seq` the time); messages → after-send single / group
 * (`sendTime` the time, a fresh `serverMsgID`); a friend.add followed by its reverse at the same
 * instant → one `callbackAfterAddFriendAgreeCommand`; friend.delete → after-delete-friend; group
 * changes → after create / join / quit / dismiss; consecutive pushes of one instant and chat →
 * one `callbackBeforeOfflinePushCommand` listing the recipients. A stated `delivered` is dropped
 * (OpenIM states none; imstats derives it) and a push's vendor too (the app's setting names it).
 * Events OpenIM cannot say are left out (see LeftOutReason). Ids are counters: same events, same stream.
 */
export function* openImDeliveries(events: Iterable<ImEvent>, options: OpenImEncoderOptions = {}): Generator<OpenImDelivery, void, undefined> {
  let n = 0;
  const op = () => `sim-op-${++n}`;
  let friend: FriendAdd | undefined;
  let push: { first: Push; to: string[] } | undefined;

  const leftOut = (e: ImEvent, reason: LeftOutReason) => options.onLeftOut?.(e, reason);
  const flushPush = function* (): Generator<OpenImDelivery> {
    if (!push) return;
    const { first, to } = push;
    push = undefined;
    const id = op();
    yield {
      at: first.time,
      command: OPENIM_COMMANDS.offlinePush,
      operationID: id,
      body: {
        callbackCommand: OPENIM_COMMANDS.offlinePush,
        operationID: id,
        platformID: 0,
        platform: '',
        userIDList: to,
        title: '',
        desc: '',
        ex: '',
        iOSPushSound: '',
        iOSBadgeCount: false,
        signalInfo: '',
        clientMsgID: `sim-msg-${n}`,
        sendID: '',
        groupID: '',
        contentType: 101,
        sessionType: first.chat === 'c2c' ? 1 : 3,
        atUserIDList: null,
        content: '',
      },
    };
  };
  const flushFriend = function* (next: ImEvent | undefined): Generator<OpenImDelivery, 'paired' | undefined> {
    if (!friend) return;
    const f = friend;
    friend = undefined;
    if (next?.type === 'friend.add' && next.time === f.time && next.user === f.peer && next.peer === f.user) {
      const id = op();
      yield { at: f.time, command: OPENIM_COMMANDS.addFriendAgree, operationID: id, body: { callbackCommand: OPENIM_COMMANDS.addFriendAgree, fromUserID: f.user, blackUserID: f.peer, HandleResult: 1, HandleMsg: '' } };
      return 'paired';
    }
    leftOut(f, "OpenIM's friendships are mutual: a one-direction friend.add has no webhook");
  };

  for (const e of events) {
    if (friend) {
      const paired = yield* flushFriend(e);
      if (paired === 'paired') continue;
    }
    if (push && !(e.type === 'push' && e.time === push.first.time && e.chat === push.first.chat && e.to !== undefined)) yield* flushPush();
    switch (e.type) {
      case 'push':
        if (e.to === undefined) leftOut(e, 'a push without a recipient');
        else if (push) push.to.push(e.to);
        else push = { first: e, to: [e.to] };
        break;
      case 'friend.add':
        friend = e;
        break;
      default: {
        const d = single(e, op, n);
        if (typeof d === 'string') leftOut(e, d);
        else yield d;
      }
    }
  }
  if (friend) yield* flushFriend(undefined);
  yield* flushPush();
}

/** The delivery of an event that maps to exactly one webhook, or why it has none. */
function single(e: ImEvent, op: () => string, n: number): OpenImDelivery | LeftOutReason {
  const operationID = op();
  const at = e.time;
  const d = (command: string, body: Record<string, unknown>, query?: Record<string, string>): OpenImDelivery => ({ at, command, operationID, query, body: { callbackCommand: command, ...body } });
  switch (e.type) {
    case 'user.register':
      return d(OPENIM_COMMANDS.userRegister, { users: [{ userID: e.user, nickname: '', faceURL: '', ex: '', createTime: e.time, appMangerLevel: 0, globalRecvMsgOpt: 0 }] });
    case 'user.login':
    case 'user.logout': {
      const platformID = openImPlatformId(e.platform) ?? 0;
      const status = { operationID, platformID, platform: PLATFORM_NAMES[platformID] ?? '', userID: e.user, seq: e.time, connID: `sim-${e.user}-${platformID}` };
      return e.type === 'user.login' ? d(OPENIM_COMMANDS.userOnline, { ...status, isAppBackground: false }) : d(OPENIM_COMMANDS.userOffline, status);
    }
    case 'msg.c2c':
      if (e.ok === false) return 'OpenIM sends after-send webhooks only for stored messages (ok: false)';
      return d(OPENIM_COMMANDS.singleMsg, { ...message(e, operationID, n, 1), recvID: e.to }, { key: keyOf(e.from, e.to, '') });
    case 'msg.group':
      return d(OPENIM_COMMANDS.groupMsg, { ...message(e, operationID, n, 3), groupID: e.group }, { key: keyOf(e.from, '', e.group) });
    case 'friend.delete':
      return d(OPENIM_COMMANDS.deleteFriend, { ownerUserID: e.user, friendUserID: e.peer });
    case 'group.create': {
      const members = [...new Set([...(e.owner === undefined ? [] : [e.owner]), ...e.members])];
      return d(OPENIM_COMMANDS.createGroup, {
        groupID: e.group,
        groupName: '',
        notification: '',
        introduction: '',
        faceURL: '',
        ownerUserID: e.owner ?? '',
        createTime: e.time,
        memberCount: members.length,
        ex: '',
        status: 0,
        creatorUserID: e.owner ?? '',
        groupType: 2,
        needVerification: 0,
        lookMemberInfo: 0,
        applyMemberFriend: 0,
        notificationUpdateTime: 0,
        notificationUserID: '',
        initMemberList: members.map((userID) => ({ userID, roleLevel: userID === e.owner ? 100 : 20 })),
      });
    }
    case 'group.join':
      return d(OPENIM_COMMANDS.joinGroup, { operationID, groupID: e.group, reqMessage: '', joinSource: 3, inviterUserID: e.user });
    case 'group.quit':
      return d(OPENIM_COMMANDS.quitGroup, { groupID: e.group, userID: e.user });
    case 'group.destroy':
      return d(OPENIM_COMMANDS.dismissGroup, { groupID: e.group, ownerID: '', groupType: '', membersID: null });
    case 'user.delete':
      return 'OpenIM has no webhook for deleting a user';
    case 'callback':
      return 'a callback statistic is not an IM event';
    case 'push':
    case 'friend.add':
      throw new Error('unreachable: pushes and friend adds are batched by the caller');
  }
}

/** The `CommonCallbackReq` part of a message webhook. */
function message(e: ImEvent & { from: string }, operationID: string, n: number, sessionType: number): Record<string, unknown> {
  const platform = (e as { platform?: string }).platform;
  return {
    sendID: e.from,
    serverMsgID: `sim-srv-${n}`,
    clientMsgID: `sim-cli-${n}`,
    operationID,
    senderPlatformID: platform === undefined ? 0 : (openImPlatformId(platform) ?? 0),
    senderNickname: '',
    sessionType,
    msgFrom: 100,
    contentType: 101,
    status: 2,
    sendTime: e.time,
    createTime: e.time,
    content: '{"content":"simulated"}',
    seq: n,
    atUserList: null,
    faceURL: '',
    ex: '',
  };
}

/** OpenIM's `key` query parameter: base64 of `{"sendID":…,"recvID":…,"groupID":…}` (apistruct.KeyMsgData). */
function keyOf(sendID: string, recvID: string, groupID: string): string {
  return Buffer.from(JSON.stringify({ sendID, recvID, groupID })).toString('base64');
}

/**
 * Writes deliveries as NDJSON (one `{"at","command","operationID","query"?,"body"}` per line) to
 * `out`, respecting back-pressure; does not end `out`. Resolves with the count and bytes written.
 */
export async function writeOpenImDeliveries(deliveries: Iterable<OpenImDelivery>, out: Writable): Promise<{ deliveries: number; bytes: number }> {
  let count = 0;
  let bytes = 0;
  const chunks = function* (): Generator<Buffer> {
    let lines: string[] = [];
    let size = 0;
    for (const d of deliveries) {
      const line = `${JSON.stringify(d)}\n`;
      count++;
      lines.push(line);
      size += line.length;
      if (size >= 64 * 1024) {
        const chunk = Buffer.from(lines.join(''));
        bytes += chunk.length;
        yield chunk;
        lines = [];
        size = 0;
      }
    }
    if (lines.length > 0) {
      const chunk = Buffer.from(lines.join(''));
      bytes += chunk.length;
      yield chunk;
    }
  };
  const source = Readable.from(chunks(), { objectMode: false });
  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error) => {
      source.destroy();
      reject(err);
    };
    out.once('error', fail);
    source.once('error', fail);
    source.once('end', () => {
      out.off('error', fail);
      resolve();
    });
    source.pipe(out, { end: false });
  });
  return { deliveries: count, bytes };
}

/**
 * Simulation knobs for an OpenIM stream: no user deletions, failed sends, app-callback statistics
 * or stated deliveries, none of which OpenIM's webhooks carry. The same options with these knobs
 * give the same workload as NDJSON, so the two inputs can be compared.
 */
export const OPENIM_SIMULATION_KNOBS = { deletedShare: 0, c2cFailureShare: 0, callbackShare: 0, explicitDeliveredShare: 0 } as const;
