// Shared set-up for the /v4 test suites (tests only): a real database, an app signed for with
// Tencent's own Node library, a fake clock, and helpers to call and to seed statistics.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { zeroCounters, type Counters } from '../../src/catalog/fields.js';
import { fakeClock, type FakeClock } from './fake-clock.js';
import { buildApp, type AppConfig } from '../../src/server/build-app.js';
import { AppsRepo } from '../../src/store/apps-repo.js';
import type { Store } from '../../src/store/store.js';
import { openTestStore, type TestDatabaseKind } from './test-databases.js';
import { withOfficialNodeLibrary } from './official-node-usersig.js';
import { VECTOR } from './usersig-test-vectors.js';

/** 2024-06-15 12:00 in Asia/Shanghai (04:00 UTC): "now" for every suite. */
export const NOW_MS = Date.UTC(2024, 5, 15, 4, 0, 0);
/** Today in Asia/Shanghai at NOW_MS. */
export const TODAY = '20240615';
export const SDKAPPID = VECTOR.sdkappid;
export const KEY = VECTOR.key;
export const GETAPPINFO = '/v4/openconfigsvr/getappinfo';
const DAY_MS = 86_400_000;

export interface SignOptions {
  readonly identifier?: string;
  readonly sdkappid?: number;
  readonly key?: string;
  /** Validity in seconds; default one day. */
  readonly expire?: number;
}

export interface CallOptions {
  /** Query parameters replacing the defaults (undefined removes one). */
  readonly query?: Record<string, string | undefined>;
  /** A whole query string used as is (no defaults). */
  readonly rawQuery?: string;
  readonly body?: string | Buffer;
  readonly headers?: Record<string, string>;
  readonly method?: 'POST' | 'GET' | 'PUT' | 'DELETE' | 'OPTIONS' | 'PATCH';
  readonly path?: string;
  readonly remoteAddress?: string;
}

export interface RestHarness {
  readonly store: Store;
  readonly apps: AppsRepo;
  readonly app: FastifyInstance;
  readonly clock: FakeClock;
  /** A UserSig made by tls-sig-api-v2 at the fake clock's time. */
  sign(options?: SignOptions): string;
  /** The default query: the app, `administrator`, a fresh UserSig, a random, contenttype=json. */
  defaultQuery(): Record<string, string>;
  call(options?: CallOptions): Promise<LightMyRequestResponse>;
  /** Writes one day's stored values (net fields hold the day's change) for an app. */
  seedDay(bucket: string, values: Partial<Counters>, sdkappid?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens a fresh database of `kind` (or uses the given migrated, empty store, closed with the
 * harness) with the test-vector app, created 60 days before NOW_MS, and builds the app.
 */
export async function openRestHarness(database: TestDatabaseKind | Store, config: Partial<AppConfig> = {}): Promise<RestHarness> {
  const store = typeof database === 'string' ? await openTestStore(database) : database;
  const apps = new AppsRepo(store);
  await apps.create({ sdkappid: SDKAPPID, name: 'Demo App', company: 'ACME Ltd', secretKey: KEY, createdAt: NOW_MS - 60 * DAY_MS });
  const clock = fakeClock(NOW_MS);
  // Answers are checked against the data version on every call unless a suite asks for a TTL.
  const app = buildApp({ store, nowMs: clock, answerCacheTtlMs: 0, ...config });
  await app.ready();

  const sign = (options: SignOptions = {}) =>
    withOfficialNodeLibrary(options.sdkappid ?? SDKAPPID, options.key ?? KEY, Math.floor(clock() / 1000), (api) =>
      api.genUserSig(options.identifier ?? 'administrator', options.expire ?? 86_400),
    );
  const defaultQuery = () => ({
    sdkappid: String(SDKAPPID),
    identifier: 'administrator',
    usersig: sign(),
    random: '12345678',
    contenttype: 'json',
  });
  return {
    store,
    apps,
    app,
    clock,
    sign,
    defaultQuery,
    call(options: CallOptions = {}) {
      let query = options.rawQuery;
      if (query === undefined) {
        const params = new URLSearchParams();
        for (const [k, v] of Object.entries({ ...defaultQuery(), ...options.query })) if (v !== undefined) params.set(k, v);
        query = params.toString();
      }
      return app.inject({
        method: options.method ?? 'POST',
        url: `${options.path ?? GETAPPINFO}?${query}`,
        ...(options.body !== undefined ? { payload: options.body } : {}),
        headers: options.headers ?? (options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
      });
    },
    async seedDay(bucket, values, sdkappid = SDKAPPID) {
      await store.db
        .insertInto('stats')
        .values({ sdkappid, grain: 'day', bucket, dim: '', ...zeroCounters(), ...values })
        .execute();
      // Writers bump the app's data version, as ingestion does, so no cached answer outlives the data.
      await store.dialect.ignoreDuplicates(store.db.insertInto('app_state').values({ sdkappid, presence_clock: 0, online_users: 0, version: 0 })).execute();
      await store.db.updateTable('app_state').set((eb) => ({ version: eb('version', '+', 1) })).where('sdkappid', '=', sdkappid).execute();
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** The parsed envelope of an answer, after checking what every /v4 answer must be. */
export function envelopeOf(res: LightMyRequestResponse): {
  ActionStatus: string;
  ErrorCode: number;
  ErrorInfo: string;
  Result?: Record<string, string>[];
} {
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}, expected 200: ${res.body}`);
  if (res.headers['content-type'] !== 'application/json') throw new Error(`Content-Type ${res.headers['content-type']}`);
  return JSON.parse(res.body);
}

/** The ErrorCode of an answer (after the envelope checks). */
export function codeOf(res: LightMyRequestResponse): number {
  return envelopeOf(res).ErrorCode;
}
