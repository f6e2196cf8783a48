import type { App } from '../store/apps-repo.js';
import type { StatsRepo } from '../store/stats-repo.js';
import type { Store } from '../store/store.js';
import type { FrequencyLimiter, SignatureBrake } from '../limits/index.js';
import type { BodyBudget } from './body-budget.js';
import type { VerifiedUserSigCache } from '../usersig/index.js';
import type { AppCache } from './app-cache.js';
import type { AnswerCache } from './answer-cache.js';
import type { Ingestor } from '../ingest/ingestor.js';
import type { CallbackInbox, InboxDrainer } from '../inbox/index.js';
import type { ConsoleToken, TokensRepo } from '../tokens/tokens-repo.js';

/**
 * What every /v4 route plugin receives as its options: the services behind the API, built once
 * by buildApp. Routes never read process.env or open connections themselves.
 */
export interface RestContext {
  readonly store: Store;
  readonly apps: AppCache;
  readonly stats: StatsRepo;
  /** Serialised getappinfo answers, valid while the app's data version is unchanged. */
  readonly answers: AnswerCache;
  /** The ingestion pipeline behind /v4/imstats/ingest and the callback receiver. */
  readonly ingestor: Ingestor;
  /** Where webhook deliveries are stored before they are answered. */
  readonly inbox: CallbackInbox;
  /** Applies the inbox (started and stopped with the app); `kick` after storing, `outcomeWithin` to wait. */
  readonly drainer: InboxDrainer;
  readonly userSigs: VerifiedUserSigCache;
  /** Per-(SDKAppID, route) frequency limit; counts authenticated calls only. */
  readonly frequency: FrequencyLimiter;
  /** Brake on repeated UserSig failures, per (client address, app) and per (app, identifier). */
  readonly brake: SignatureBrake;
  /** Bound on the memory all concurrent callback bodies hold together (60007 beyond). */
  readonly callbackBodies: BodyBudget;
  /** Read-only console tokens (Authorization: Bearer), read on every token call (no cache). */
  readonly tokens: TokensRepo;
  /** Milliseconds clock; tests pass a fake one. */
  readonly nowMs: () => number;
  /** Days back from today a report may reach (StartDate); default 35. */
  readonly retentionDays: number;
}

/** The authenticated caller of a /v4 call, set by requireUserSig. */
export interface Caller {
  readonly app: App;
  readonly identifier: string;
  /** Set when the caller signed in with a console token (identifier is then `token:<id>`). */
  readonly token?: ConsoleToken;
}

/**
 * Per-route settings read by the /v4 plugin. Set them in the route's `config`:
 * `fastify.post('/imstats/callback', { config: { auth: 'none' } }, handler)`.
 */
export interface RestRouteConfig {
  /**
   * `none`: the route checks its callers itself. Every other /v4 route declares
   * `preHandler: requireUserSig(ctx)` (the TLSSigAPIv2 checks of usersig.md).
   */
  readonly auth?: 'none';
  /** Count calls against the per-app frequency limit (60007); default true. Only with requireUserSig. */
  readonly frequencyLimit?: boolean;
  /** Accept a read-only console token (`Authorization: Bearer`) as well as a UserSig; default false (refused, 60010). */
  readonly consoleToken?: boolean;
  /** Count calls in the limit of this other route's URL (getstats shares getappinfo's); default its own. */
  readonly frequencyBucket?: string;
  /** Largest body this route accepts (130001 beyond); default the plugin's (1 MiB). */
  readonly maxBodyBytes?: number;
  /** Memory this route's concurrent bodies share (60007 when full); default unbounded beyond maxBodyBytes each. */
  readonly bodyBudget?: BodyBudget;
}

declare module 'fastify' {
  interface FastifyContextConfig extends RestRouteConfig {}
  interface FastifyRequest {
    /** Set by requireUserSig; null outside authenticated routes. */
    imstatsCaller: Caller | null;
    /** The ErrorCode answered (0 on success), for the request log; null until an answer is made. */
    imstatsErrorCode: number | null;
  }
}
