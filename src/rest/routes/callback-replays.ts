import type { App } from '../../store/apps-repo.js';
import { CallbackSignUsesRepo } from '../../store/callback-sign-uses-repo.js';
import type { Store } from '../../store/store.js';
import { MAX_REQUEST_TIME_SKEW_MS } from '../../events/adapters/tencent-callback/index.js';
import { ApiError } from '../error-codes.js';
import type { QueryParams } from '../query-params.js';

/**
 * How long after a (RequestTime, Sign) pair's first use other bodies may still arrive with it:
 * 5 s. Tencent's Sign covers only token + RequestTime, so every callback it sends within one
 * second carries the same pair; they arrive within a second or two of each other.
 */
export const SIGN_BURST_MS = 5_000;
/** Old pairs are pruned at most this often: every minute. */
const PRUNE_EVERY_MS = 60_000;

/**
 * Remembers the (app, RequestTime, Sign) pairs signed callbacks came with, in the database so
 * every node sees them, and refuses a pair that comes back with another body after its burst:
 * someone who captured one signed URL can no longer post forged bodies with it for the 5 minutes
 * its RequestTime stays acceptable. A pair coming back with the same body is a retried delivery
 * and passes (it is counted once by the callback dedupe).
 */
export class CallbackReplays {
  readonly #repo: CallbackSignUsesRepo;
  #prunedAt = 0;

  readonly #onPruneError: (err: unknown) => void;

  /** `onPruneError` hears about a failed prune (it is retried a minute later). */
  constructor(store: Store, onPruneError: (err: unknown) => void) {
    this.#repo = new CallbackSignUsesRepo(store);
    this.#onPruneError = onPruneError;
  }

  /**
   * Records this signed callback's pair and body; resolves with an ApiError (70060) to answer
   * when it replays a pair with another body, undefined otherwise. Apps without a token pass.
   */
  async check(app: App, params: QueryParams, bodyHash: string, nowMs: number): Promise<ApiError | undefined> {
    if (app.callbackToken === null) return undefined;
    const requestTime = Number(params.get('requesttime')!.trim());
    const sign = params.get('sign')!.trim().toLowerCase();
    this.#pruneNow(nowMs);
    const use = await this.#repo.use({ sdkappid: app.sdkappid, requestTime, sign, bodyHash, nowMs, burstMs: SIGN_BURST_MS });
    if (use.kind === 'replay') {
      const ago = Math.round((nowMs - use.firstSeenMs) / 1000);
      return new ApiError('CALLBACK_BAD_SIGN', `this RequestTime and Sign were first used ${ago} s ago with another body; refused as a replay (send a fresh RequestTime)`);
    }
    return undefined;
  }

  #pruneNow(nowMs: number): void {
    if (nowMs - this.#prunedAt < PRUNE_EVERY_MS) return;
    this.#prunedAt = nowMs;
    // A pair older than the RequestTime skew is refused by the Sign check before it gets here.
    void this.#repo.prune(Math.floor((nowMs - MAX_REQUEST_TIME_SKEW_MS) / 1000) - 60).catch(this.#onPruneError);
  }
}
