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

/**
 * Sums that metrics.md defines as the sum of two others: derived on read from their parts, never
 * tallied or written (their stats columns, from migration 001, stay at their default and are not
 * read).
 */
export const DERIVED_SUMS = {
  APNSMsgNum: ['C2CAPNSMsgNum', 'GroupAPNSMsgNum'],
  DownMsgNum: ['C2CDownMsgNum', 'GroupDownMsgNum'],
  UpMsgNum: ['C2CUpMsgNum', 'GroupUpMsgNum'],
} as const satisfies Partial<Record<SumField, readonly [SumField, SumField]>>;
export type DerivedSumField = keyof typeof DERIVED_SUMS;
/** Sums counted from events and stored (every sum but the derived ones). */
export type TalliedSumField = Exclude<SumField, DerivedSumField>;
export const DERIVED_SUM_FIELDS = Object.keys(DERIVED_SUMS).sort() as readonly DerivedSumField[];
export const TALLIED_SUM_FIELDS = SUM_FIELDS.filter((f) => !(f in DERIVED_SUMS)) as readonly TalliedSumField[];

export function isDerivedSum(field: string): field is DerivedSumField {
  return Object.hasOwn(DERIVED_SUMS, field);
}

/** Sets each derived sum of `c` from its two parts. */
export function deriveSums(c: Record<SumField, number>): void {
  c.APNSMsgNum = c.C2CAPNSMsgNum + c.GroupAPNSMsgNum;
  c.DownMsgNum = c.C2CDownMsgNum + c.GroupDownMsgNum;
  c.UpMsgNum = c.C2CUpMsgNum + c.GroupUpMsgNum;
}

/** A bucket's counted values; every field present, zero when nothing happened. */
export type Counters = Record<CountedField, number>;

export function zeroCounters(): Counters {
  const c = {} as Counters;
  for (const f of COUNTED_FIELDS) c[f] = 0;
  return c;
}

/**
 * Fields getstats offers beyond the 32 (shared/spec/stats-api.md); getappinfo never shows them.
 * Kinds: `sum` as above (stored per bucket like the 32); `reach`: distinct active users over the
 * 7 / 30 days ending with the bucket's day; `retention`: of the users registered on the bucket's
 * day, those active n days later. Reach and retention are computed on read from the kept sets.
 */
const statsDef = <N extends string, K extends 'sum' | 'reach' | 'retention'>(name: N, kind: K, description: string) =>
  ({ name, kind, description }) as const;

export const STATS_ONLY_FIELDS = [
  statsDef('ActiveUserNum30d', 'reach', 'Distinct active users over the 30 days ending with the day (MAU, exact)'),
  statsDef('ActiveUserNum7d', 'reach', 'Distinct active users over the 7 days ending with the day (WAU, exact)'),
  statsDef('C2COfflineMsgNum', 'sum', 'One-to-one messages (ok) whose recipient was offline when sent'),
  statsDef('C2CPushNum', 'sum', 'Offline pushes of any vendor for one-to-one messages'),
  statsDef('GroupOfflineMsgNum', 'sum', 'Per group message, the other members offline when it was sent'),
  statsDef('GroupPushNum', 'sum', 'Offline pushes of any vendor for group messages'),
  statsDef('PushNum', 'sum', 'Offline pushes of any vendor, one-to-one and group (C2CPushNum + GroupPushNum)'),
  statsDef('RetainedD1', 'retention', 'Of the users registered that day, those active the day after'),
  statsDef('RetainedD30', 'retention', 'Of the users registered that day, those active 30 days later'),
  statsDef('RetainedD7', 'retention', 'Of the users registered that day, those active 7 days later'),
] as const satisfies ReadonlyArray<{ readonly name: string; readonly kind: 'sum' | 'reach' | 'retention'; readonly description: string }>;

export type StatsOnlyField = (typeof STATS_ONLY_FIELDS)[number]['name'];
/** The getstats-only sums: stored per bucket as columns of the stats table, like the 32. */
export type ExtraSumField = Extract<(typeof STATS_ONLY_FIELDS)[number], { kind: 'sum' }>['name'];
export const EXTRA_SUM_FIELDS = STATS_ONLY_FIELDS.filter((f) => f.kind === 'sum').map((f) => f.name) as readonly ExtraSumField[];
/** Every column of a stats row: the 29 counted fields and the getstats-only sums. */
export type StoredField = CountedField | ExtraSumField;
export const STORED_FIELDS: readonly StoredField[] = [...COUNTED_FIELDS, ...EXTRA_SUM_FIELDS].sort();
/** The stats columns written and read: all but the derived sums. */
export type WrittenField = Exclude<StoredField, DerivedSumField>;
export const WRITTEN_FIELDS = STORED_FIELDS.filter((f) => !isDerivedSum(f)) as readonly WrittenField[];

/** A field getstats can answer: a counted one of the 32 or a getstats-only one. */
export type StatsField = CountedField | StatsOnlyField;
export const STATS_FIELD_NAMES: readonly StatsField[] = [...COUNTED_FIELDS, ...STATS_ONLY_FIELDS.map((f) => f.name)].sort();

/** getstats' grains and breakdowns. */
export type StatsGrain = 'day' | 'hour';
export type StatsBy = 'platform' | 'vendor';

/** Fields offered with `By:"platform"` (the acting user's client platform). */
export const PLATFORM_FIELDS = [
  'ActiveUserNum', 'C2CSendMsgUserNum', 'C2CUpMsgNum', 'GroupSendMsgUserNum', 'GroupUpMsgNum',
  'LoginTimes', 'LoginUserNum', 'MaxOnlineNum', 'SendMsgUserNum', 'UpMsgNum',
] as const satisfies readonly CountedField[];
/** Fields offered with `By:"vendor"` (the push vendor). */
export const VENDOR_FIELDS = ['C2CPushNum', 'GroupPushNum', 'PushNum'] as const satisfies readonly ExtraSumField[];

const statsKind = new Map<string, string>([...FIELDS, ...STATS_ONLY_FIELDS].map((f) => [f.name, f.kind]));

export function isStatsField(name: string): name is StatsField {
  const kind = statsKind.get(name);
  return kind !== undefined && kind !== 'app' && kind !== 'key';
}

/** The kind of a getstats field (sum, distinct, peak, net, reach, retention). */
export function statsFieldKind(name: StatsField): string {
  return statsKind.get(name)!;
}

/**
 * The fields a Grain/By combination offers, sorted; or why `field` is not offered (undefined when
 * it is). Reach and retention are day values; breakdowns offer only the fields their dimension
 * attributes.
 */
export function statsFieldsFor(grain: StatsGrain, by: StatsBy | undefined): readonly StatsField[] {
  if (by === 'platform') return PLATFORM_FIELDS;
  if (by === 'vendor') return VENDOR_FIELDS;
  return grain === 'day' ? STATS_FIELD_NAMES : STATS_FIELD_NAMES.filter((f) => statsKind.get(f) !== 'reach' && statsKind.get(f) !== 'retention');
}
