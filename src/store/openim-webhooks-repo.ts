import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SourceAllowList } from '../rest/source-allow-list.js';
import { AppError } from './apps-repo.js';
import type { Store } from './store.js';
import { guard, toNumber } from './store-error.js';

/** The push vendor of OpenIM pushes when none is set: GeTui, the provider OpenIM's push config lists first. */
export const DEFAULT_OPENIM_PUSH_VENDOR = 'getui';
/** Shortest secret accepted with `--secret`: 16 characters (a generated one is 32 hex characters, 128 bits). */
export const MIN_OPENIM_SECRET_LENGTH = 16;
/** A secret is a URL path segment: letters, digits and `-._~` only, so it needs no escaping anywhere. */
const SECRET_CHARS = /^[A-Za-z0-9._~-]+$/;
const VENDOR = /^[a-z0-9][a-z0-9._-]{0,31}$/;

/** An app's OpenIM webhook settings. */
export interface OpenImWebhookConfig {
  readonly sdkappid: number;
  /** Lowercase hex SHA-256 of the URL secret. */
  readonly secretSha256: string;
  readonly pushVendor: string;
  readonly allowedSources: SourceAllowList;
  /** Unix ms. */
  readonly updatedAt: number;
}

export interface SetOpenImWebhook {
  /** The URL secret; generated (32 random hex characters) when undefined and keepSecret is not set. */
  readonly secret?: string;
  /** Keep the current secret (only the other settings change); an error when the app has none. */
  readonly keepSecret?: boolean;
  /** Default: unchanged, else DEFAULT_OPENIM_PUSH_VENDOR. */
  readonly pushVendor?: string;
  /** `a,b/24,…`; empty string clears the list. Default: unchanged. */
  readonly allowedSources?: string;
  readonly nowMs?: number;
}

/** sha-256 hex of a secret. */
export function openImSecretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** True when `given` is the secret whose hash is stored; compares hashes in constant time. */
export function openImSecretMatches(config: OpenImWebhookConfig, given: string): boolean {
  const a = Buffer.from(openImSecretHash(given), 'hex');
  const b = Buffer.from(config.secretSha256, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Per-app OpenIM webhook settings (table `openim_webhooks`, migration 006).
 *
 * The URL secret is kept only as its SHA-256: it is a bearer credential (whoever knows it can
 * post statistics for the app), so a database dump, a backup or a read-only replica must not be
 * enough to forge webhooks. A fast hash is enough because the secret is not a password: a
 * generated one has 128 random bits and a given one at least 16 characters, beyond guessing; a
 * slow KDF would cost every webhook a few milliseconds. The price: the secret is printed once
 * by `imstats app openim set` and cannot be shown again (set it again to rotate).
 */
export class OpenImWebhooksRepo {
  constructor(private readonly store: Store) {}

  async get(sdkappid: number): Promise<OpenImWebhookConfig | undefined> {
    const row = await guard(this.store.dialect, 'reading OpenIM webhook settings', () =>
      this.store.db.selectFrom('openim_webhooks').selectAll().where('sdkappid', '=', sdkappid).executeTakeFirst(),
    );
    if (!row) return undefined;
    return {
      sdkappid: toNumber(row.sdkappid, 'openim_webhooks.sdkappid'),
      secretSha256: row.secret_sha256,
      pushVendor: row.push_vendor,
      allowedSources: SourceAllowList.parse(row.allowed_sources),
      updatedAt: toNumber(row.updated_at, 'openim_webhooks.updated_at'),
    };
  }

  /**
   * Sets the app's settings; returns them and the secret when it was set now (generated or
   * given), undefined with keepSecret. AppError for an unknown app or a bad value.
   */
  async set(sdkappid: number, s: SetOpenImWebhook): Promise<{ config: OpenImWebhookConfig; secret?: string }> {
    const app = await guard(this.store.dialect, 'reading an app', () =>
      this.store.db.selectFrom('apps').select('sdkappid').where('sdkappid', '=', sdkappid).executeTakeFirst(),
    );
    if (!app) throw new AppError(`app ${sdkappid} does not exist`);
    const current = await this.get(sdkappid);
    if (s.keepSecret && s.secret !== undefined) throw new AppError('give either a secret or keep the current one, not both');
    if (s.keepSecret && !current) throw new AppError(`app ${sdkappid} has no OpenIM secret to keep; set one first`);
    const secret = s.keepSecret ? undefined : (s.secret ?? randomBytes(16).toString('hex'));
    if (secret !== undefined) {
      if (secret.length < MIN_OPENIM_SECRET_LENGTH) throw new AppError(`the secret must be at least ${MIN_OPENIM_SECRET_LENGTH} characters, got ${secret.length}`);
      if (secret.length > 128 || !SECRET_CHARS.test(secret)) throw new AppError('the secret may only hold letters, digits and -._~ (it is a URL path segment), at most 128 of them');
    }
    const pushVendor = (s.pushVendor ?? current?.pushVendor ?? DEFAULT_OPENIM_PUSH_VENDOR).toLowerCase();
    if (!VENDOR.test(pushVendor)) throw new AppError(`push vendor ${JSON.stringify(s.pushVendor)} must be 1–32 lowercase letters, digits, ".", "_" or "-" (apns, fcm, getui, jpush, …)`);
    let allowed: SourceAllowList;
    try {
      allowed = s.allowedSources === undefined ? (current?.allowedSources ?? SourceAllowList.parse('')) : SourceAllowList.parse(s.allowedSources);
    } catch (err) {
      throw new AppError(`allowed sources: ${(err as Error).message}`);
    }
    if (allowed.toString().length > 2000) throw new AppError('allowed sources: at most 2000 characters');
    const row = {
      sdkappid,
      secret_sha256: secret === undefined ? current!.secretSha256 : openImSecretHash(secret),
      push_vendor: pushVendor,
      allowed_sources: allowed.toString(),
      updated_at: s.nowMs ?? Date.now(),
    };
    await guard(this.store.dialect, 'writing OpenIM webhook settings', async () => {
      if (current) await this.store.db.updateTable('openim_webhooks').set(row).where('sdkappid', '=', sdkappid).execute();
      else await this.store.db.insertInto('openim_webhooks').values(row).execute();
    });
    return { config: (await this.get(sdkappid))!, secret };
  }
}
