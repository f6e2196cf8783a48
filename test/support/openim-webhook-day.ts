// Tests only: posting OpenIM webhooks the way open-im-server does (POST <url>/<command>, JSON
// body, an operationID header), a hand-made day with the numbers it must give, and the numbers
// getappinfo gives for a day.
import type { LightMyRequestResponse } from 'fastify';
import { COUNTED_FIELDS, type FieldName } from '../../src/catalog/fields.js';
import { OPENIM_COMMANDS } from '../../src/events/adapters/openim-webhook/openim-commands.js';
import {
  beforeSingleMsgBody,
  createGroupBody,
  deleteFriendBody,
  dismissGroupBody,
  friendAgreeBody,
  groupMsgBody,
  importFriendsBody,
  joinGroupBody,
  kickGroupBody,
  offlinePushBody,
  quitGroupBody,
  registerBody,
  singleMsgBody,
  userStatusBody,
} from './openim-webhook-samples.js';
import type { OpenImDelivery } from '../../src/simulate/openim-encoder.js';
import { OpenImWebhooksRepo } from '../../src/store/openim-webhooks-repo.js';
import { SDKAPPID, type RestHarness } from './rest-test-harness.js';

/** The secret every suite sets for the harness app. */
export const SECRET = 'test-secret-0123456789abcdef';
export const DAY = '20240614';
/** An instant of DAY, `hh:mm` in Asia/Shanghai. */
export const at = (hhmm: string): number => Date.parse(`2024-06-14T${hhmm}:00+08:00`);

/** Gives the harness app an OpenIM secret (and a push vendor, an allow-list). */
export async function setOpenIm(h: RestHarness, options: { pushVendor?: string; allowedSources?: string; sdkappid?: number; secret?: string } = {}): Promise<void> {
  await new OpenImWebhooksRepo(h.store).set(options.sdkappid ?? SDKAPPID, { secret: options.secret ?? SECRET, pushVendor: options.pushVendor ?? 'apns', allowedSources: options.allowedSources });
}

export interface PostOptions {
  readonly sdkappid?: number | string;
  readonly secret?: string;
  readonly remoteAddress?: string;
  /** Milliseconds after `at` the request arrives; default 0. */
  readonly delayMs?: number;
  /** A raw body instead of JSON.stringify(d.body). */
  readonly rawBody?: string;
}

/** Posts one delivery with the fake clock at its arrival. */
export function postWebhook(h: RestHarness, d: OpenImDelivery, options: PostOptions = {}): Promise<LightMyRequestResponse> {
  h.clock.set(d.at + (options.delayMs ?? 0));
  const query = d.query ? `?${new URLSearchParams(d.query as Record<string, string>).toString()}` : '';
  return h.app.inject({
    method: 'POST',
    url: `/v4/imstats/openim/${options.sdkappid ?? SDKAPPID}/${options.secret ?? SECRET}/${d.command}${query}`,
    payload: options.rawBody ?? JSON.stringify(d.body),
    headers: { 'content-type': 'application/json; charset=utf-8', operationID: d.operationID },
    ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
  });
}

const delivery = (hhmm: string, command: string, body: Record<string, unknown>, operationID = `op-${hhmm}-${command}`): OpenImDelivery => ({ at: at(hhmm), command, operationID, body });

/**
 * DAY of a small app, one webhook of every counted command: alice (iOS) and bob (Android) online;
 * group G created by alice with bob and carol, dave joins, a group message (bob online: 1
 * delivery); a c2c to bob (online: 1); bob kicked off; a c2c to bob (offline: 0) and its offline
 * push (vendor apns); carol kicked from G, bob quits, G dismissed; alice and bob become friends
 * (2), alice imports carol and dave (4), alice deletes bob (1); erin registers; a before-event
 * and an unknown command; alice goes offline.
 */
export function dayOfWebhooks(): OpenImDelivery[] {
  return [
    delivery('08:00', OPENIM_COMMANDS.userOnline, userStatusBody('online', { userID: 'alice', platformID: 1, seq: at('08:00') })),
    delivery('08:05', OPENIM_COMMANDS.userOnline, userStatusBody('online', { userID: 'bob', platformID: 2, platform: 'Android', seq: at('08:05'), connID: 'c-bob' })),
    delivery('09:00', OPENIM_COMMANDS.createGroup, createGroupBody({ groupID: 'G', createTime: at('09:00') }, ['alice', 'bob', 'carol'])),
    delivery('09:02', OPENIM_COMMANDS.joinGroup, joinGroupBody({ groupID: 'G', inviterUserID: 'dave', operationID: 'op-join' })),
    delivery('09:05', OPENIM_COMMANDS.groupMsg, groupMsgBody({ groupID: 'G', sendID: 'alice', serverMsgID: 'm1', sendTime: at('09:05') })),
    delivery('09:10', OPENIM_COMMANDS.singleMsg, singleMsgBody({ sendID: 'alice', recvID: 'bob', serverMsgID: 'm2', sendTime: at('09:10') })),
    delivery('09:20', OPENIM_COMMANDS.userKickOff, userStatusBody('kickoff', { userID: 'bob', platformID: 2, platform: 'Android', seq: at('09:20') })),
    delivery('09:30', OPENIM_COMMANDS.singleMsg, singleMsgBody({ sendID: 'alice', recvID: 'bob', serverMsgID: 'm3', sendTime: at('09:30') })),
    delivery('09:30', OPENIM_COMMANDS.offlinePush, offlinePushBody({ userIDList: ['bob'], clientMsgID: 'm3c' })),
    delivery('10:00', OPENIM_COMMANDS.kickGroup, kickGroupBody({ groupID: 'G', kickedUserIDs: ['carol'] })),
    delivery('10:05', OPENIM_COMMANDS.quitGroup, quitGroupBody({ groupID: 'G', userID: 'bob' })),
    delivery('11:00', OPENIM_COMMANDS.dismissGroup, dismissGroupBody({ groupID: 'G', membersID: ['alice', 'dave'] })),
    delivery('12:00', OPENIM_COMMANDS.addFriendAgree, friendAgreeBody({ fromUserID: 'alice', blackUserID: 'bob' })),
    delivery('12:10', OPENIM_COMMANDS.importFriends, importFriendsBody({ ownerUserID: 'alice', friendUserIDs: ['carol', 'dave'] })),
    delivery('12:20', OPENIM_COMMANDS.deleteFriend, deleteFriendBody({ ownerUserID: 'alice', friendUserID: 'bob' })),
    delivery('13:00', OPENIM_COMMANDS.userRegister, registerBody(['erin'], {}, at('13:00'))),
    delivery('14:00', 'callbackBeforeSendSingleMsgCommand', beforeSingleMsgBody()),
    delivery('14:01', 'callbackAfterSetGroupInfoCommand', { callbackCommand: 'callbackAfterSetGroupInfoCommand', groupID: 'G' }),
    delivery('17:00', OPENIM_COMMANDS.userOffline, userStatusBody('offline', { userID: 'alice', platformID: 1, seq: at('17:00') })),
  ];
}

/** DAY's getappinfo fields, worked out by hand from dayOfWebhooks; every other counted field is 0. */
export const DAY_EXPECTED: Partial<Record<FieldName, number>> = {
  LoginTimes: 2,
  LoginUserNum: 2,
  ActiveUserNum: 2,
  MaxOnlineNum: 2,
  C2CUpMsgNum: 2,
  C2CDownMsgNum: 1,
  C2CSendMsgUserNum: 1,
  C2CAPNSMsgNum: 1,
  APNSMsgNum: 1,
  GroupUpMsgNum: 1,
  GroupDownMsgNum: 1,
  GroupSendMsgUserNum: 1,
  GroupSendMsgGroupNum: 1,
  UpMsgNum: 3,
  DownMsgNum: 2,
  SendMsgUserNum: 1,
  ChainIncrease: 6,
  ChainDecrease: 1,
  GroupNewGroupNum: 1,
  GroupDestroyGroupNum: 1,
  GroupJoinGroupTimes: 1,
  GroupQuitGroupTimes: 2,
  RegistUserNumOneDay: 1,
  RegistUserNumTotal: 1,
};

/** DAY_EXPECTED with every other counted field at 0. */
export function expectedDay(): Record<string, number> {
  return Object.fromEntries(COUNTED_FIELDS.map((f) => [f, DAY_EXPECTED[f] ?? 0]));
}

/** Every counted field of `day` for `sdkappid` as getappinfo gives it, as numbers. */
export async function dayNumbers(h: RestHarness, nowMs: number, day = DAY, sdkappid: number = SDKAPPID): Promise<Record<string, number>> {
  h.clock.set(nowMs);
  const query = { ...h.defaultQuery(), sdkappid: String(sdkappid), usersig: h.sign({ sdkappid }) };
  const res = await h.call({ query, body: JSON.stringify({ StartDate: day, EndDate: day }) });
  const parsed = res.json() as { ErrorCode: number; ErrorInfo: string; Result: Record<string, string>[] };
  if (parsed.ErrorCode !== 0) throw new Error(`getappinfo: ${parsed.ErrorCode} ${parsed.ErrorInfo}`);
  const row = parsed.Result[0]!;
  return Object.fromEntries(COUNTED_FIELDS.map((f) => [f, Number(row[f])]));
}

/**
 * getstats' `Result` rows for `sdkappid` (stats-api.md) for the given body, e.g.
 * `{"Grain":"hour","Start":"2024061400","End":"2024061423","By":"platform"}`.
 */
export async function statsRows(h: RestHarness, nowMs: number, body: Record<string, unknown>, sdkappid: number = SDKAPPID): Promise<Record<string, string>[]> {
  h.clock.set(nowMs);
  const query = { ...h.defaultQuery(), sdkappid: String(sdkappid), usersig: h.sign({ sdkappid }) };
  const res = await h.call({ path: '/v4/imstats/getstats', query, body: JSON.stringify(body) });
  const parsed = res.json() as { ErrorCode: number; ErrorInfo: string; Result: Record<string, string>[] };
  if (parsed.ErrorCode !== 0) throw new Error(`getstats ${JSON.stringify(body)}: ${parsed.ErrorCode} ${parsed.ErrorInfo}`);
  return parsed.Result;
}

/** The parsed OpenIM answer, after checking HTTP 200 and JSON. */
export function answerOf(res: LightMyRequestResponse): { actionCode: number; errCode: number; errDlt: string; errMsg: string; nextCode: number } {
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${res.body}`);
  return res.json();
}

/** Serves the harness app on a real socket (127.0.0.1, a free port); returns its origin. Closed with the harness. */
export function serveOverHttp(h: RestHarness): Promise<string> {
  return h.app.listen({ host: '127.0.0.1', port: 0 });
}

export interface HttpPostOptions extends Omit<PostOptions, 'rawBody' | 'remoteAddress'> {
  /** The body's bytes instead of JSON.stringify(d.body). */
  readonly body?: string | Buffer;
  /** The command segment of the URL instead of d.command (may be empty). */
  readonly command?: string;
  readonly headers?: Record<string, string>;
}

/** What came back over the wire. */
export interface HttpAnswer {
  readonly status: number;
  readonly contentType: string | null;
  readonly text: string;
}

/** Posts one delivery over real HTTP the way open-im-server does, with the fake clock at its arrival. */
export async function postWebhookOverHttp(origin: string, h: RestHarness, d: OpenImDelivery, options: HttpPostOptions = {}): Promise<HttpAnswer> {
  h.clock.set(d.at + (options.delayMs ?? 0));
  const res = await fetch(`${origin}/v4/imstats/openim/${options.sdkappid ?? SDKAPPID}/${options.secret ?? SECRET}/${options.command ?? d.command}`, {
    method: 'POST',
    body: options.body ?? JSON.stringify(d.body),
    headers: { 'content-type': 'application/json; charset=utf-8', operationID: d.operationID, ...options.headers },
  });
  return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
}

/** The OpenIM answer of an HTTP exchange, after checking HTTP 200 and JSON. */
export function httpAnswerOf(res: HttpAnswer): { actionCode: number; errCode: number; errDlt: string; errMsg: string; nextCode: number } {
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.text}`);
  if (res.contentType !== 'application/json') throw new Error(`Content-Type ${res.contentType}: ${res.text}`);
  return JSON.parse(res.text);
}

/** Webhooks of `sdkappid` waiting in the callback inbox (stored, not yet applied). */
export async function inboxRows(h: RestHarness, sdkappid: number = SDKAPPID): Promise<number> {
  const row = await h.store.db.selectFrom('callback_inbox').select((eb) => eb.fn.countAll<number | string>().as('n')).where('sdkappid', '=', sdkappid).executeTakeFirstOrThrow();
  return Number(row.n);
}
