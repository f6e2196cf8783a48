/**
 * UserSig v2 (TLSSigAPIv2): a pure codec, signer and verifier (shared/spec/usersig.md).
 * CONTRACT STUB — the usersig work fills in the implementation behind these exports;
 * the signatures are what the REST layer and the CLI rely on.
 */

/** Why a UserSig was refused; rest/ maps each to its ErrorCode. */
export type UserSigFailure =
  | 'empty' // 70002
  | 'undecodable' // 70003
  | 'sdkappid_mismatch' // 70014
  | 'identifier_mismatch' // 70013
  | 'expired' // 70001
  | 'bad_signature'; // 70009

export class UserSigError extends Error {
  constructor(
    readonly failure: UserSigFailure,
    message: string,
  ) {
    super(message);
    this.name = 'UserSigError';
  }
}

export interface MakeUserSigOptions {
  readonly sdkappid: number;
  readonly identifier: string;
  /** The app's secret key, used as UTF-8 text. */
  readonly key: string;
  /** Validity in seconds from `nowSeconds`; default 180 days. */
  readonly expireSeconds?: number;
  /** Issue time; default now. */
  readonly nowSeconds?: number;
  readonly userbuf?: Buffer;
}

/** Makes a UserSig exactly as Tencent's Node library does. */
export function makeUserSig(_options: MakeUserSigOptions): string {
  throw new Error('not implemented yet');
}

export interface VerifyUserSigOptions {
  /** As received (already URL-decoded). */
  readonly token: string;
  readonly sdkappid: number;
  readonly identifier: string;
  readonly key: string;
  readonly nowSeconds: number;
}

export interface VerifiedUserSig {
  readonly sdkappid: number;
  readonly identifier: string;
  /** Last valid second (TLS.time + TLS.expire). */
  readonly expiresAt: number;
}

/** Checks in usersig.md's order (decode, sdkappid, identifier, expiry, HMAC); throws UserSigError. */
export function verifyUserSig(_options: VerifyUserSigOptions): VerifiedUserSig {
  throw new Error('not implemented yet');
}

/**
 * Bounded cache of verified UserSigs keyed by (sdkappid, key, token) so a reused UserSig pays for
 * zlib and HMAC once; an entry is never used past its expiry, and a rotated key misses.
 */
export class VerifiedUserSigCache {
  constructor(_maxEntries = 10_000) {}
  /** verifyUserSig, answered from the cache when possible. */
  verify(options: VerifyUserSigOptions): VerifiedUserSig {
    return verifyUserSig(options);
  }
}
