import type { ColumnType } from 'kysely';
import type { CountedField, ExtraSumField } from '../catalog/fields.js';

/**
 * Kysely's view of the database. Integers that may exceed 2^31 are read back as
 * `number | string | bigint` depending on the driver; `toNumber` in ./decode.ts normalises them.
 */
type Int = ColumnType<number, number | bigint, number | bigint>;
/** An integer column with a database default: optional on insert. */
type DefaultedInt = ColumnType<number, number | bigint | undefined, number | bigint>;

export interface AppsTable {
  sdkappid: Int;
  name: string;
  company: string;
  /** The console's secret key, used as UTF-8 text for HMAC-SHA256. Null: the app cannot verify UserSigs (70016). */
  secret_key: string | null;
  timezone: string;
  enabled: Int;
  /** Unix milliseconds. */
  created_at: Int;
  /** Token for Tencent-style callback signatures; null accepts unsigned callbacks. */
  callback_token: string | null;
  /** Registered users that existed before imstats saw any event. */
  registered_baseline: Int;
  /** Groups that existed before imstats saw any event. */
  group_baseline: Int;
}

/** One row (id 1): bumped by every change to apps or app_admins (see AppCache). */
export interface AppsVersionTable {
  id: number;
  version: Int;
}

export interface AppAdminsTable {
  sdkappid: Int;
  identifier: string;
}

/**
 * One row per (app, grain, bucket, dimension): grain `day` (bucket `YYYYMMDD`) or `hour`
 * (`YYYYMMDDHH`), dim `''` (all platforms), `platform:<name>` or `vendor:<name>`. Counted columns
 * are named after the catalog; `net` columns hold the bucket's net change, turned into running
 * totals on read; distinct columns hold the size of the bucket's kept set (stat_sets).
 */
export type StatsTable = {
  sdkappid: Int;
  grain: string;
  bucket: string;
  dim: string;
} & { [F in CountedField]: Int } & { [F in ExtraSumField]: DefaultedInt };

/**
 * The kept distinct sets (one row per app, grain, bucket, dimension and set): the members' dense
 * ids (member_ids) as a gap-varint BLOB (aggregate/id-set.ts). Pruned after the retention window,
 * except the day sets reach and retention read, kept 30 days longer.
 */
export interface StatSetsTable {
  sdkappid: Int;
  grain: string;
  bucket: string;
  dim: string;
  field: string;
  ids: ColumnType<Uint8Array, Uint8Array, Uint8Array>;
}

/** Dense per-app ids of users and groups (0, 1, 2, … in order of first sight); never reassigned. */
export interface MemberIdsTable {
  sdkappid: Int;
  member: string;
  id: Int;
}

/** Per-app presence clock and online count; its row is the app's ingestion lock. */
export interface AppStateTable {
  sdkappid: Int;
  /** Latest event time (ms) applied to presence; older events do not rewrite presence. */
  presence_clock: Int;
  /** Distinct users with at least one live session. */
  online_users: Int;
  /** Bumped by every applied batch; lets a process know its cached state is current. */
  version: Int;
  /** The next dense member id to hand out (member_ids). */
  next_member_id: DefaultedInt;
  /** JSON object: per platform breakdown value, distinct users with a live session on it. */
  platform_online: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface SessionsTable {
  sdkappid: Int;
  user_id: string;
  platform: string;
}

export interface RegisteredUsersTable {
  sdkappid: Int;
  user_id: string;
}

export interface ImGroupsTable {
  sdkappid: Int;
  group_id: string;
}

export interface GroupMembersTable {
  sdkappid: Int;
  group_id: string;
  user_id: string;
}

export interface AppliedBatchesTable {
  batch_id: string;
  /** Unix milliseconds; rows older than the retention window are pruned. */
  applied_at: Int;
}

export interface CallbackSignUsesTable {
  sdkappid: Int;
  /** The callback's RequestTime, Unix seconds. */
  request_time: Int;
  /** The callback's Sign, lower-case hex. */
  sign: string;
  /** base64url SHA-256 of the body the pair came with. */
  body_hash: string;
  /** When this node first saw the pair with this body, Unix ms. */
  first_seen_ms: Int;
}

/** Callbacks stored before they were answered, waiting to be applied (inbox/callback-inbox.ts). */
export interface CallbackInboxTable {
  id: ColumnType<number, never, never>;
  sdkappid: Int;
  transport: string;
  /** Unix milliseconds. */
  received_at: Int;
  /** JSON object of the transport's parameters. */
  meta: string;
  payload: string;
  dedupe_key: string | null;
  dedupe_window_ms: Int | null;
}

/** Per-app settings of the OpenIM webhook receiver (migration 006). */
export interface OpenImWebhooksTable {
  sdkappid: Int;
  /** Lowercase hex SHA-256 of the URL secret; the secret itself is not kept. */
  secret_sha256: string;
  /** The `vendor` of the app's OpenIM offline pushes (OpenIM's webhook names none). */
  push_vendor: string;
  /** Comma-separated addresses and CIDR blocks webhooks may come from; empty: any. */
  allowed_sources: string;
  /** Unix milliseconds. */
  updated_at: Int;
}

/** Read-only console tokens; only a SHA-256 of each token is kept (src/tokens/). */
export interface ConsoleTokensTable {
  id: string;
  name: string;
  /** Lowercase hex SHA-256 of the whole token. */
  token_hash: string;
  /** Null: an operator token that reads every app. */
  sdkappid: Int | null;
  /** Unix milliseconds, as every time below. */
  created_at: Int;
  expires_at: Int | null;
  last_used_at: Int | null;
  revoked_at: Int | null;
}

export interface Database {
  apps: AppsTable;
  app_admins: AppAdminsTable;
  stats: StatsTable;
  stat_sets: StatSetsTable;
  member_ids: MemberIdsTable;
  app_state: AppStateTable;
  sessions: SessionsTable;
  registered_users: RegisteredUsersTable;
  im_groups: ImGroupsTable;
  group_members: GroupMembersTable;
  applied_batches: AppliedBatchesTable;
  callback_sign_uses: CallbackSignUsesTable;
  callback_inbox: CallbackInboxTable;
  openim_webhooks: OpenImWebhooksTable;
  console_tokens: ConsoleTokensTable;
  apps_version: AppsVersionTable;
}

