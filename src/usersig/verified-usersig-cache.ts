import { hash } from 'node:crypto';
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
  readonly #maxEntries: number;
  readonly #verifier: UserSigVerifier;
  readonly #entries = new Map<string, VerifiedUserSig>();
  #hits = 0;
  #misses = 0;

  constructor(maxEntries = DEFAULT_USERSIG_CACHE_ENTRIES, verifier: UserSigVerifier = verifyUserSig) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 0) {
      throw new RangeError(`VerifiedUserSigCache: maxEntries must be a non-negative integer, got ${maxEntries}`);
    }
    this.#maxEntries = maxEntries;
    this.#verifier = verifier;
  }

  /** verifyUserSig, answered from the cache when possible. */
  verify(options: VerifyUserSigOptions): VerifiedUserSig {
    const cacheKey = cacheKeyOf(options);
    const cached = this.#entries.get(cacheKey);
    if (
      cached !== undefined &&
      options.nowSeconds <= cached.expiresAt &&
      // The same token presented for another identifier must still fail as a mismatch.
      cached.identifier === options.identifier &&
      cached.sdkappid === options.sdkappid
    ) {
      this.#hits++;
      this.#entries.delete(cacheKey);
      this.#entries.set(cacheKey, cached);
      return cached;
    }
    this.#misses++;
    if (cached !== undefined && options.nowSeconds > cached.expiresAt) this.#entries.delete(cacheKey);
    const verified = this.#verifier(options);
    if (this.#maxEntries > 0) {
      this.#entries.delete(cacheKey);
      this.#entries.set(cacheKey, verified);
      while (this.#entries.size > this.#maxEntries) {
        this.#entries.delete(this.#entries.keys().next().value as string);
      }
    }
    return verified;
  }

  /**
   * True when exactly this UserSig is held as verified and unexpired for this app, key and
   * identifier: proof the caller is no guesser, used to let it past a brake strangers engaged.
   * Changes nothing and counts no hit.
   */
  holds(options: VerifyUserSigOptions): boolean {
    const cached = this.#entries.get(cacheKeyOf(options));
    return cached !== undefined && options.nowSeconds <= cached.expiresAt && cached.identifier === options.identifier && cached.sdkappid === options.sdkappid;
  }

  /** Drops every entry of one app, e.g. after its key changed (they would only miss anyway). */
  forgetApp(sdkappid: number): void {
    for (const [cacheKey, entry] of this.#entries) {
      if (entry.sdkappid === sdkappid) this.#entries.delete(cacheKey);
    }
  }

  /** Entries currently held. */
  get size(): number {
    return this.#entries.size;
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
