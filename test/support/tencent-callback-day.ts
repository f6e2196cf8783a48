// Tests only: one day of a small app as the Tencent IM callbacks its backend would post, built
// from the documented body formats, with the getappinfo numbers that day must give.
import type { LightMyRequestResponse } from 'fastify';
import { COUNTED_FIELDS, type FieldName } from '../../src/catalog/fields.js';
import {
  c2cAfterSendBody,
  friendAddBody,
  friendDeleteBody,
  groupAfterSendBody,
  groupCreatedBody,
  groupDestroyedBody,
  memberExitBody,
  memberJoinedBody,
  offlinePushBody,
  offlinePushEvent,
  stateChangeBody,
} from './tencent-callback-samples.js';
import { SDKAPPID, type RestHarness } from './rest-test-harness.js';

export const CALLBACK_PATH = '/v4/imstats/callback';
/** The day of the scenario: the harness's yesterday (Asia/Shanghai). */
export const DAY = '20240614';

/** An instant of the scenario day, `hh:mm` in Asia/Shanghai. */
export const at = (hhmm: string): number => Date.parse(`2024-06-14T${hhmm}:00+08:00`);

/** One callback as Tencent posts it: the URL's command and platform, the body, and when it happens. */
export interface PostedCallback {
  readonly atMs: number;
  readonly command: string;
  readonly optPlatform?: string;
  readonly body: unknown;
}

const G1 = '@TGS#2J4SZEAEL';
const G2 = '@TGS#1NVTZEAE4';
let seq = 0;

function state(hhmm: string, user: string, action: 'Login' | 'Logout' | 'Disconnect', platform: string, kicked?: string[]): PostedCallback {
  const atMs = at(hhmm);
  return { atMs, command: 'State.StateChange', optPlatform: platform, body: stateChangeBody({ action, user, eventTime: atMs, kicked }) };
}

function c2c(hhmm: string, from: string, to: string, result = 0): PostedCallback {
  const atMs = at(hhmm);
  const s = Math.floor(atMs / 1000);
  const n = ++seq;
  const body = c2cAfterSendBody({ From_Account: from, To_Account: to, MsgSeq: n, MsgRandom: 1000 + n, MsgTime: s, MsgKey: `${n}_${1000 + n}_${s}`, SendMsgResult: result });
  return { atMs, command: 'C2C.CallbackAfterSendMsg', optPlatform: 'iOS', body };
}

function groupMsg(hhmm: string, from: string, group: string): PostedCallback {
  const atMs = at(hhmm);
  return { atMs, command: 'Group.CallbackAfterSendMsg', optPlatform: 'Android', body: groupAfterSendBody({ GroupId: group, From_Account: from, MsgSeq: ++seq, MsgTime: Math.floor(atMs / 1000) }) };
}

/**
 * 2024-06-14 of a five-user app (alice, bob, carol, dave, erin):
 * sessions alice iOS 08:00 → kicked by her Windows login at 11:00 → logout 17:30; bob Android
 * 08:05 → disconnect 16:00; carol Web 08:10 → 10:30; dave Android from 10:00 (over midnight);
 * erin never online. G1 created 09:00 by alice with bob and carol; dave and erin join 10:01;
 * bob quits 11:30. G2 created 14:00 by erin, destroyed 15:00.
 */
export function dayOfCallbacks(): PostedCallback[] {
  seq = 0;
  return [
    state('08:00', 'alice', 'Login', 'IOS'),
    state('08:05', 'bob', 'Login', 'Android'),
    state('08:10', 'carol', 'Login', 'Web'),
    c2c('08:20', 'alice', 'bob'), // bob online: 1 delivery
    c2c('08:21', 'alice', 'dave'), // dave offline: 0
    c2c('08:22', 'bob', 'alice', 20003), // failed send: counted up, not delivered
    { atMs: at('09:00'), command: 'Group.CallbackAfterCreateGroup', optPlatform: 'iOS', body: groupCreatedBody({ GroupId: G1, Owner_Account: 'alice', Operator_Account: 'alice', MemberList: [{ Member_Account: 'bob' }, { Member_Account: 'carol' }], EventTime: at('09:00') }) },
    groupMsg('09:05', 'alice', G1), // bob, carol online: 2
    groupMsg('09:15', 'bob', G1), // alice, carol: 2
    state('10:00', 'dave', 'Login', 'Android'), // 4 online: the day's peak
    { atMs: at('10:01'), command: 'Group.CallbackAfterNewMemberJoin', optPlatform: 'Android', body: memberJoinedBody({ GroupId: G1, NewMemberList: [{ Member_Account: 'dave' }, { Member_Account: 'erin' }], EventTime: at('10:01') }) },
    groupMsg('10:05', 'dave', G1), // alice, bob, carol (erin offline): 3
    state('10:30', 'carol', 'Logout', 'Web'),
    state('11:00', 'alice', 'Login', 'Windows', ['iOS']),
    { atMs: at('11:30'), command: 'Group.CallbackAfterMemberExit', optPlatform: 'Android', body: memberExitBody({ GroupId: G1, ExitType: 'Quit', Operator_Account: 'bob', ExitMemberList: [{ Member_Account: 'bob' }], EventTime: String(at('11:30')) }) },
    groupMsg('11:35', 'alice', G1), // members alice, carol, dave, erin; online others: dave: 1
    { atMs: at('12:00'), command: 'Sns.CallbackFriendAdd', optPlatform: 'iOS', body: friendAddBody([['alice', 'bob'], ['bob', 'alice']]) },
    { atMs: at('12:30'), command: 'Sns.CallbackFriendDelete', optPlatform: 'Web', body: friendDeleteBody([['carol', 'dave']]) },
    {
      atMs: at('13:00'),
      command: 'Push.OfflinePush',
      body: offlinePushBody([
        offlinePushEvent('c2c', { From_Account: 'alice', To_Account: 'dave', EventTime: at('13:00') / 1000, PushID: 'p1' }),
        offlinePushEvent('group', { From_Account: 'dave', To_Account: 'erin', GroupID: G1, EventTime: at('13:00') / 1000, PushID: 'p2' }),
        offlinePushEvent('c2c', { To_Account: 'carol', PushPlatform: 3, EventTime: at('13:00') / 1000, PushID: 'p3' }), // Huawei: not APNs
        offlinePushEvent('c2c', { To_Account: 'erin', PushStage: 2, EventTime: at('13:00') / 1000, PushID: 'p4' }), // not the sent stage
        offlinePushEvent('group', { To_Account: 'erin', ErrCode: 90011, ErrInfo: 'bad token', EventTime: at('13:00') / 1000, PushID: 'p5' }), // failed
      ]),
    },
    { atMs: at('14:00'), command: 'Group.CallbackAfterCreateGroup', optPlatform: 'Web', body: groupCreatedBody({ GroupId: G2, Owner_Account: 'erin', Operator_Account: 'erin', MemberList: [], EventTime: at('14:00') }) },
    { atMs: at('15:00'), command: 'Group.CallbackAfterGroupDestroyed', optPlatform: 'Web', body: groupDestroyedBody({ GroupId: G2, Owner_Account: 'erin', MemberList: [{ Member_Account: 'erin' }], EventTime: at('15:00') }) },
    state('16:00', 'bob', 'Disconnect', 'Android'),
    c2c('16:30', 'dave', 'bob'), // bob offline: 0
    c2c('16:31', 'dave', 'alice'), // alice online on Windows: 1
    { atMs: at('17:00'), command: 'C2C.CallbackBeforeSendMsg', optPlatform: 'iOS', body: c2cAfterSendBody({ CallbackCommand: 'C2C.CallbackBeforeSendMsg' }) },
    state('17:30', 'alice', 'Logout', 'Windows'),
    c2c('18:00', 'dave', 'alice'), // the kick ended her iOS session: offline, 0
  ];
}

/** The day's getappinfo fields; every other counted field is 0. */
export const DAY_EXPECTED: Partial<Record<FieldName, number>> = {
  LoginTimes: 5,
  LoginUserNum: 4,
  ActiveUserNum: 4,
  MaxOnlineNum: 4,
  C2CUpMsgNum: 6,
  C2CDownMsgNum: 2,
  C2CSendMsgUserNum: 3,
  GroupUpMsgNum: 4,
  GroupDownMsgNum: 8,
  GroupSendMsgUserNum: 3,
  GroupSendMsgGroupNum: 1,
  UpMsgNum: 10,
  DownMsgNum: 10,
  SendMsgUserNum: 3,
  C2CAPNSMsgNum: 1,
  GroupAPNSMsgNum: 1,
  APNSMsgNum: 2,
  ChainIncrease: 2,
  ChainDecrease: 1,
  GroupNewGroupNum: 2,
  GroupDestroyGroupNum: 1,
  GroupAllGroupNum: 1,
  GroupJoinGroupTimes: 2,
  GroupQuitGroupTimes: 1,
};

/** Every counted field of DAY as getappinfo gives it, as numbers. */
export async function dayNumbers(h: RestHarness, nowMs: number): Promise<Record<string, number>> {
  h.clock.set(nowMs);
  const res = await h.call({ body: JSON.stringify({ StartDate: DAY, EndDate: DAY }) });
  const day = (res.json() as { Result: Record<string, string>[] }).Result[0]!;
  return Object.fromEntries(COUNTED_FIELDS.map((f) => [f, Number(day[f])]));
}

/** DAY_EXPECTED with every other counted field at 0. */
export function expectedDay(): Record<string, number> {
  return Object.fromEntries(COUNTED_FIELDS.map((f) => [f, DAY_EXPECTED[f] ?? 0]));
}

export interface PostOptions {
  readonly sdkappid?: number;
  /** Extra or replacing query parameters (undefined removes one). */
  readonly query?: Record<string, string | undefined>;
  /** Seconds after the event the request arrives; default 1. */
  readonly delayS?: number;
}

/** Posts one callback the way Tencent does, with the fake clock at its arrival. */
export function postCallback(h: RestHarness, cb: PostedCallback, options: PostOptions = {}): Promise<LightMyRequestResponse> {
  h.clock.set(cb.atMs + (options.delayS ?? 1) * 1000);
  const params = new URLSearchParams();
  const query: Record<string, string | undefined> = {
    SdkAppid: String(options.sdkappid ?? SDKAPPID),
    CallbackCommand: cb.command,
    contenttype: 'json',
    ClientIP: '203.0.113.7',
    ...(cb.optPlatform ? { OptPlatform: cb.optPlatform } : {}),
    ...options.query,
  };
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, v);
  return h.app.inject({
    method: 'POST',
    url: `${CALLBACK_PATH}?${params.toString()}`,
    payload: typeof cb.body === 'string' ? cb.body : JSON.stringify(cb.body),
    headers: { 'content-type': 'application/json' },
  });
}
