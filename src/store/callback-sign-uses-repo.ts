import type { Store } from './store.js';
import { guard, toNumber } from './store-error.js';

/** What a signed callback's (app, RequestTime, Sign) has been used for before. */
export type SignUse =
  /** Never seen: recorded now. */
  | { readonly kind: 'first' }
  /** Seen with this very body: a retried delivery (its dedupe keeps it counted once). */
  | { readonly kind: 'same-body' }
  /** Seen with other bodies within the burst window: callbacks sent in the same second share a Sign. */
  | { readonly kind: 'same-second'; readonly firstSeenMs: number }
  /** Seen with other bodies, and its first use is older than the burst window: a replay. Not recorded. */
  | { readonly kind: 'replay'; readonly firstSeenMs: number };

export interface SignUseInput {
  readonly sdkappid: number;
  /** RequestTime, Unix seconds. */
  readonly requestTime: number;
  /** Sign, lower-case hex. */
  readonly sign: string;
  /** Digest of the body (base64url SHA-256). */
  readonly bodyHash: string;
  readonly nowMs: number;
  /** How long after a pair's first use other bodies may still come with it. */
  readonly burstMs: number;
}

/**
 * The `callback_sign_uses` table (migration 004): the (app, RequestTime, Sign) pairs signed
 * callbacks were accepted with and the bodies they carried, shared by every node.
 */
export class CallbackSignUsesRepo {
  constructor(private readonly store: Store) {}

  /** Looks the pair up and records this use unless it is a replay. */
  use(input: SignUseInput): Promise<SignUse> {
    const { db, dialect } = this.store;
    return guard(dialect, 'checking a callback Sign for replay', async () => {
      const rows = await db
        .selectFrom('callback_sign_uses')
        .select(['body_hash', 'first_seen_ms'])
        .where('sdkappid', '=', input.sdkappid)
        .where('request_time', '=', input.requestTime)
        .where('sign', '=', input.sign)
        .execute();
      if (rows.some((r) => r.body_hash === input.bodyHash)) return { kind: 'same-body' };
      const firstSeenMs = rows.length === 0 ? undefined : Math.min(...rows.map((r) => toNumber(r.first_seen_ms, 'callback_sign_uses.first_seen_ms')));
      if (firstSeenMs !== undefined && input.nowMs - firstSeenMs > input.burstMs) return { kind: 'replay', firstSeenMs };
      // Two nodes may both see a pair first; both uses are recorded and both are genuine (same second).
      await dialect
        .ignoreDuplicates(
          db.insertInto('callback_sign_uses').values({
            sdkappid: input.sdkappid,
            request_time: input.requestTime,
            sign: input.sign,
            body_hash: input.bodyHash,
            first_seen_ms: input.nowMs,
          }),
        )
        .execute();
      return firstSeenMs === undefined ? { kind: 'first' } : { kind: 'same-second', firstSeenMs };
    });
  }

  /** Drops pairs whose RequestTime is before `requestTime` (too old to be accepted anyway); resolves with how many rows went. */
  prune(requestTime: number): Promise<number> {
    const { db, dialect } = this.store;
    return guard(dialect, 'pruning old callback Signs', async () => {
      const r = await db.deleteFrom('callback_sign_uses').where('request_time', '<', requestTime).executeTakeFirst();
      return Number(r.numDeletedRows);
    });
  }
}
