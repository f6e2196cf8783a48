import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction, Updateable } from 'kysely';
import type { AppsTable, Database } from './schema.js';
import type { Store } from './store.js';
import { guard, toNumber } from './store-error.js';
import { assertTimeZone } from '../time/day-of.js';

/** An app as the rest of imstats sees it. */
export interface App {
  readonly sdkappid: number;
  readonly name: string;
  readonly company: string;
  /** Null when the app has no key (its UserSigs cannot be verified: 70016). */
  readonly secretKey: string | null;
  /** IANA time zone of the app's days; default Asia/Shanghai. */
  readonly timezone: string;
  readonly enabled: boolean;
  /** Unix milliseconds. */
  readonly createdAt: number;
  readonly callbackToken: string | null;
  readonly registeredBaseline: number;
  readonly groupBaseline: number;
  /** At least one; `administrator` by default. */
  readonly admins: readonly string[];
}

export interface NewApp {
  readonly sdkappid: number;
  readonly name: string;
  readonly company?: string;
  /** Generated (64 hex characters, as Tencent's console does) when absent. */
  readonly secretKey?: string;
  readonly admins?: readonly string[];
  readonly timezone?: string;
  readonly createdAt?: number;
}

export const DEFAULT_ADMIN = 'administrator';
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

/** A problem with what the caller asked (unknown app, duplicate id, bad time zone…). */
export class AppError extends Error {
  override readonly name = 'AppError';
}

/** A fresh secret key: 32 random bytes as 64 lowercase hex characters. */
export function generateSecretKey(): string {
  return randomBytes(32).toString('hex');
}

function assertSdkAppId(sdkappid: number): void {
  if (!Number.isSafeInteger(sdkappid) || sdkappid <= 0) throw new AppError(`SDKAppID must be a positive integer, got ${sdkappid}`);
}

function assertIdentifier(identifier: string): void {
  if (identifier.length === 0 || Buffer.byteLength(identifier) > 64) {
    throw new AppError(`admin identifier must be 1–64 bytes, got ${JSON.stringify(identifier)}`);
  }
}

/** The app registry: apps, their keys and admin accounts. */
export class AppsRepo {
  constructor(private readonly store: Store) {}

  #guard<T>(what: string, run: () => Promise<T>): Promise<T> {
    return guard(this.store.dialect, what, run);
  }

  async create(app: NewApp): Promise<App> {
    assertSdkAppId(app.sdkappid);
    const timezone = app.timezone ?? DEFAULT_TIMEZONE;
    try {
      assertTimeZone(timezone);
    } catch (err) {
      throw new AppError((err as Error).message);
    }
    const admins = [...new Set(app.admins?.length ? app.admins : [DEFAULT_ADMIN])];
    admins.forEach(assertIdentifier);
    if (app.name.trim() === '') throw new AppError('app name must not be empty');
    if (await this.get(app.sdkappid)) throw new AppError(`app ${app.sdkappid} already exists`);
    await this.#guard('creating an app', () =>
      this.store.db.transaction().execute(async (tx) => {
        await tx
          .insertInto('apps')
          .values({
            sdkappid: app.sdkappid,
            name: app.name,
            company: app.company ?? '',
            secret_key: app.secretKey ?? generateSecretKey(),
            timezone,
            enabled: 1,
            created_at: app.createdAt ?? Date.now(),
            callback_token: null,
            registered_baseline: 0,
            group_baseline: 0,
          })
          .execute();
        await tx
          .insertInto('app_admins')
          .values(admins.map((identifier) => ({ sdkappid: app.sdkappid, identifier })))
          .execute();
        await bumpVersion(tx);
      }),
    );
    return (await this.get(app.sdkappid))!;
  }

  /**
   * The registry's version: changes with every change this class makes to any app (in the same
   * transaction), so apps read at one version are all still true while it stands.
   */
  version(): Promise<number> {
    return this.#guard('reading the apps version', async () => {
      const row = await this.store.db.selectFrom('apps_version').select('version').where('id', '=', 1).executeTakeFirst();
      return row ? toNumber(row.version, 'apps_version.version') : 0;
    });
  }

  /** Runs one change to the registry and bumps its version, in one transaction. */
  #change(what: string, run: (tx: Kysely<Database>) => Promise<unknown>): Promise<void> {
    return this.#guard(what, () =>
      this.store.db.transaction().execute(async (tx) => {
        await run(tx);
        await bumpVersion(tx);
      }),
    );
  }

  async get(sdkappid: number): Promise<App | undefined> {
    return (await this.#read('reading an app', sdkappid))[0];
  }

  /** Apps (one, or all ordered by SDKAppID) with their admins: two queries whatever their number. */
  #read(what: string, sdkappid?: number): Promise<App[]> {
    return this.#guard(what, async () => {
      let apps = this.store.db.selectFrom('apps').selectAll().orderBy('sdkappid');
      let admins = this.store.db.selectFrom('app_admins').select(['sdkappid', 'identifier']).orderBy('identifier');
      if (sdkappid !== undefined) {
        apps = apps.where('sdkappid', '=', sdkappid);
        admins = admins.where('sdkappid', '=', sdkappid);
      }
      const rows = await apps.execute();
      if (rows.length === 0) return [];
      const adminsOf = new Map<number, string[]>();
      for (const a of await admins.execute()) {
        const id = toNumber(a.sdkappid, 'app_admins.sdkappid');
        adminsOf.set(id, [...(adminsOf.get(id) ?? []), a.identifier]);
      }
      return rows.map((row) => {
        const id = toNumber(row.sdkappid, 'apps.sdkappid');
        return {
          sdkappid: id,
          name: row.name,
          company: row.company,
          secretKey: row.secret_key,
          timezone: row.timezone,
          enabled: toNumber(row.enabled, 'apps.enabled') !== 0,
          createdAt: toNumber(row.created_at, 'apps.created_at'),
          callbackToken: row.callback_token,
          registeredBaseline: toNumber(row.registered_baseline, 'apps.registered_baseline'),
          groupBaseline: toNumber(row.group_baseline, 'apps.group_baseline'),
          admins: adminsOf.get(id) ?? [],
        };
      });
    });
  }

  /** The app, or an AppError naming the missing SDKAppID. */
  async require(sdkappid: number): Promise<App> {
    const app = await this.get(sdkappid);
    if (!app) throw new AppError(`app ${sdkappid} does not exist`);
    return app;
  }

  list(): Promise<App[]> {
    return this.#read('listing apps');
  }

  async addAdmin(sdkappid: number, identifier: string): Promise<App> {
    assertIdentifier(identifier);
    const app = await this.require(sdkappid);
    if (!app.admins.includes(identifier)) {
      await this.#change('adding an admin', (tx) => tx.insertInto('app_admins').values({ sdkappid, identifier }).execute());
    }
    return (await this.get(sdkappid))!;
  }

  async removeAdmin(sdkappid: number, identifier: string): Promise<App> {
    const app = await this.require(sdkappid);
    if (!app.admins.includes(identifier)) throw new AppError(`${JSON.stringify(identifier)} is not an admin of app ${sdkappid}`);
    if (app.admins.length === 1) throw new AppError(`cannot remove ${JSON.stringify(identifier)}: an app keeps at least one admin`);
    await this.#change('removing an admin', (tx) => tx.deleteFrom('app_admins').where('sdkappid', '=', sdkappid).where('identifier', '=', identifier).execute());
    return (await this.get(sdkappid))!;
  }

  #update(sdkappid: number, what: string, values: Updateable<AppsTable>): Promise<App> {
    return (async () => {
      await this.require(sdkappid);
      await this.#change(what, (tx) => tx.updateTable('apps').set(values).where('sdkappid', '=', sdkappid).execute());
      return (await this.get(sdkappid))!;
    })();
  }

  /** Replaces the secret key (generated when not given); UserSigs made with the old key stop verifying. */
  rotateKey(sdkappid: number, secretKey: string = generateSecretKey()): Promise<App> {
    if (secretKey === '') throw new AppError('secret key must not be empty');
    return this.#update(sdkappid, 'rotating the key', { secret_key: secretKey });
  }

  setEnabled(sdkappid: number, enabled: boolean): Promise<App> {
    return this.#update(sdkappid, enabled ? 'enabling the app' : 'disabling the app', { enabled: enabled ? 1 : 0 });
  }

  /** Sets (or with null clears) the token Tencent-style callbacks are signed with. */
  setCallbackToken(sdkappid: number, token: string | null): Promise<App> {
    if (token === '') throw new AppError('callback token must not be empty (use clear to remove it)');
    return this.#update(sdkappid, 'setting the callback token', { callback_token: token });
  }

  /** Users and groups that existed before imstats saw any event; added to the running totals. */
  setBaselines(sdkappid: number, baselines: { registeredUsers?: number; groups?: number }): Promise<App> {
    for (const [what, n] of Object.entries(baselines)) {
      if (n !== undefined && (!Number.isSafeInteger(n) || n < 0)) throw new AppError(`${what} baseline must be a whole number ≥ 0, got ${n}`);
    }
    return this.#update(sdkappid, 'setting baselines', {
      ...(baselines.registeredUsers !== undefined ? { registered_baseline: baselines.registeredUsers } : {}),
      ...(baselines.groups !== undefined ? { group_baseline: baselines.groups } : {}),
    });
  }
}

/** Bumps the registry's version (migration 012) inside the change's transaction. */
async function bumpVersion(tx: Transaction<Database> | Kysely<Database>): Promise<void> {
  await tx.updateTable('apps_version').set((eb) => ({ version: eb('version', '+', 1) })).where('id', '=', 1).execute();
}
