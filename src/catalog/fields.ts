/**
 * The 32 operations fields of `getappinfo`, defined once. The API's response schema, the
 * database columns, the aggregator's counters and the CLI's table all derive from this list.
 *
 * Kinds (see shared/spec/metrics.md):
 * - `app`: an attribute of the app (name, id, company);
 * - `key`: the day itself;
 * - `sum`: a count of events;
 * - `distinct`: distinct users or groups within the bucket (exact);
 * - `peak`: a maximum within the bucket;
 * - `net`: state at the end of the bucket; stored as the bucket's net change and summed on read.
 */
export type FieldKind = 'app' | 'key' | 'sum' | 'distinct' | 'peak' | 'net';

export interface FieldDef {
  readonly name: string;
  readonly kind: FieldKind;
  readonly description: string;
}

const def = <N extends string, K extends FieldKind>(name: N, kind: K, description: string) =>
  ({ name, kind, description }) as const;

/** All 32 fields, in byte-wise sorted order (the order of the wire format). */
export const FIELDS = [
  def('APNSMsgNum', 'sum', 'Offline pushes through Apple APNs, one-to-one and group (C2CAPNSMsgNum + GroupAPNSMsgNum)'),
  def('ActiveUserNum', 'distinct', 'Users online at any moment of the day or who sent a message that day'),
  def('AppId', 'app', 'The SDKAppID of the app'),
  def('AppName', 'app', 'The app name'),
  def('C2CAPNSMsgNum', 'sum', 'Offline pushes through Apple APNs for one-to-one messages'),
  def('C2CDownMsgNum', 'sum', 'Real-time deliveries of one-to-one messages (recipient online when sent)'),
  def('C2CSendMsgUserNum', 'distinct', 'Users who sent one-to-one messages'),
  def('C2CUpMsgNum', 'sum', 'One-to-one messages accepted by the server, failed deliveries included'),
  def('CallBackReq', 'sum', 'Webhook requests sent by the IM backend to the app backend, retries included'),
  def('CallBackRsp', 'sum', 'Webhook requests answered in time with a parsable reply'),
  def('ChainDecrease', 'sum', 'Friend-list entries removed (one direction = 1)'),
  def('ChainIncrease', 'sum', 'Friend-list entries created (one direction = 1, a mutual add = 2)'),
  def('Company', 'app', 'The customer or organisation the app belongs to'),
  def('Date', 'key', 'The day, YYYYMMDD in the app time zone'),
  def('DownMsgNum', 'sum', 'Real-time deliveries, one-to-one and group (C2CDownMsgNum + GroupDownMsgNum)'),
  def('GroupAPNSMsgNum', 'sum', 'Offline pushes through Apple APNs for group messages'),
  def('GroupAllGroupNum', 'net', 'Groups existing at the end of the day, group baseline included'),
  def('GroupDestroyGroupNum', 'sum', 'Groups dismissed'),
  def('GroupDownMsgNum', 'sum', 'Real-time deliveries of group messages (other members online when sent)'),
  def('GroupJoinGroupTimes', 'sum', 'Member joins (initial members at creation are not joins)'),
  def('GroupNewGroupNum', 'sum', 'Groups created'),
  def('GroupQuitGroupTimes', 'sum', 'Member exits, quit or kicked (not dismissal)'),
  def('GroupSendMsgGroupNum', 'distinct', 'Groups with at least one message'),
  def('GroupSendMsgUserNum', 'distinct', 'Users who sent group messages'),
  def('GroupUpMsgNum', 'sum', 'Group messages accepted (one per message, whatever the group size)'),
  def('LoginTimes', 'sum', 'Successful logins, reconnects included'),
  def('LoginUserNum', 'distinct', 'Users with at least one login'),
  def('MaxOnlineNum', 'peak', 'Maximum number of distinct users online at the same moment'),
  def('RegistUserNumOneDay', 'sum', 'Users registered that day'),
  def('RegistUserNumTotal', 'net', 'Registered users at the end of the day, net of deletions, baseline included'),
  def('SendMsgUserNum', 'distinct', 'Users who sent messages, one-to-one or group (a distinct union)'),
  def('UpMsgNum', 'sum', 'Messages accepted, one-to-one and group (C2CUpMsgNum + GroupUpMsgNum)'),
] as const satisfies readonly FieldDef[];

export type FieldName = (typeof FIELDS)[number]['name'];

type FieldOfKind<K extends FieldKind> = Extract<(typeof FIELDS)[number], { kind: K }>['name'];

/** Fields computed from events and stored per bucket: everything but app attributes and Date. */
export type CountedField = FieldOfKind<'sum' | 'distinct' | 'peak' | 'net'>;
export type SumField = FieldOfKind<'sum'>;
export type DistinctField = FieldOfKind<'distinct'>;
export type PeakField = FieldOfKind<'peak'>;
export type NetField = FieldOfKind<'net'>;
export type AppField = FieldOfKind<'app'>;

export const FIELD_NAMES: readonly FieldName[] = FIELDS.map((f) => f.name);

const byName = new Map<string, FieldDef>(FIELDS.map((f) => [f.name, f]));

export function isFieldName(name: string): name is FieldName {
  return byName.has(name);
}

export function fieldDef(name: FieldName): FieldDef {
  return byName.get(name)!;
}

const isCounted = (f: FieldDef) => f.kind !== 'app' && f.kind !== 'key';

/** The 29 counted fields, sorted; these are the columns of the stats table. */
export const COUNTED_FIELDS = FIELDS.filter(isCounted).map((f) => f.name) as readonly CountedField[];
export const SUM_FIELDS = FIELDS.filter((f) => f.kind === 'sum').map((f) => f.name) as readonly SumField[];
export const DISTINCT_FIELDS = FIELDS.filter((f) => f.kind === 'distinct').map((f) => f.name) as readonly DistinctField[];
export const PEAK_FIELDS = FIELDS.filter((f) => f.kind === 'peak').map((f) => f.name) as readonly PeakField[];
export const NET_FIELDS = FIELDS.filter((f) => f.kind === 'net').map((f) => f.name) as readonly NetField[];

/** A bucket's counted values; every field present, zero when nothing happened. */
export type Counters = Record<CountedField, number>;

export function zeroCounters(): Counters {
  const c = {} as Counters;
  for (const f of COUNTED_FIELDS) c[f] = 0;
  return c;
}
