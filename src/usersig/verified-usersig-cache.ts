import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { verifyUserSig, type VerifiedUserSig, type VerifyUserSigOptions } from './verify-usersig.js';

/** The check the cache falls back to; verifyUserSig unless a test injects another. */
export type UserSigVerifier = (options: VerifyUserSigOptions) => VerifiedUserSig;

/** Default number of verified UserSigs kept: 10 000. */
export const DEFAULT_USERSIG_CACHE_ENTRIES = 10_000;

/**
 * Bounded cache of verified UserSigs keyed by (sdkappid, key, token) so a reused UserSig pays for
 * zlib and HMAC once; an entry is never used past its expiry, and a rotated key misses.
 *
 * Least recently used entries are evicted beyond `maxEntries` (default 10 000; 0 disables the
 * cache). Only successes are cached; a failure is re-checked every time (the failure brake in
 * limits/ deals with clients that keep failing). Entries are stored under a SHA-256 digest, so
 * neither keys nor tokens are held in memory and an entry's size does not depend on the token's.
 */
export class VerifiedUserSigCache {
  readonly #verifier: UserSigVerifier;
  /** Undefined when caching is disabled (maxEntries 0). */
  readonly #entries: LRUCache<string, VerifiedUserSig> | undefined;
  #hits = 0;
  #misses = 0;

  constructor(maxEntries = DEFAULT_USERSIG_CACHE_ENTRIES, verifier: UserSigVerifier = verifyUserSig) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 0) {
      throw new RangeError(`VerifiedUserSigCache: maxEntries must be a non-negative integer, got ${maxEntries}`);
    }
    this.#entries = maxEntries > 0 ? new LRUCache({ max: maxEntries }) : undefined;
    this.#verifier = verifier;
  }

  /** verifyUserSig, answered from the cache when possible. */
  verify(options: VerifyUserSigOptions): VerifiedUserSig {
    const cacheKey = cacheKeyOf(options);
    const cached = this.#entries?.get(cacheKey);
    if (
      cached !== undefined &&
      options.nowSeconds <= cached.expiresAt &&
      // The same token presented for another identifier must still fail as a mismatch.
      cached.identifier === options.identifier &&
      cached.sdkappid === options.sdkappid
    ) {
      this.#hits++;
      return cached;
    }
    this.#misses++;
    if (cached !== undefined && options.nowSeconds > cached.expiresAt) this.#entries?.delete(cacheKey);
    const verified = this.#verifier(options);
    this.#entries?.set(cacheKey, verified);
    return verified;
  }

  /**
   * True when exactly this UserSig is held as verified and unexpired for this app, key and
   * identifier: proof the caller is no guesser, used to let it past a brake strangers engaged.
   * Changes nothing and counts no hit.
   */
  holds(options: VerifyUserSigOptions): boolean {
    const cached = this.#entries?.peek(cacheKeyOf(options));
    return cached !== undefined && options.nowSeconds <= cached.expiresAt && cached.identifier === options.identifier && cached.sdkappid === options.sdkappid;
  }

  /** Drops every entry of one app, e.g. after its key changed (they would only miss anyway). */
  forgetApp(sdkappid: number): void {
    const entries = this.#entries;
    if (!entries) return;
    for (const [cacheKey, entry] of [...entries.entries()]) if (entry.sdkappid === sdkappid) entries.delete(cacheKey);
  }

  /** Entries currently held. */
  get size(): number {
    return this.#entries?.size ?? 0;
  }

  /** Calls answered from the cache / passed to the verifier since construction (for metrics). */
  get stats(): { readonly hits: number; readonly misses: number } {
    return { hits: this.#hits, misses: this.#misses };
  }
}

function cacheKeyOf(options: VerifyUserSigOptions): string {
  // Length prefixes keep the parts unambiguous whatever characters the key or token hold (the
  // key's length in UTF-16 units: the text is hashed as one string). One-shot hashing costs a
  // fraction of a Hash object's four calls, and this runs on every authenticated call.
  return hash('sha256', `${options.sdkappid}\n${options.key.length}\n${options.key}\n${options.token}`, 'base64');
}
