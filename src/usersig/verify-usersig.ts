import { timingSafeEqual } from 'node:crypto';
import { decodeUserSig } from './decode-usersig.js';
import { signUserSig } from './sign-usersig.js';
import { decodeTencentBase64 } from './tencent-base64.js';
import { UserSigError } from './user-sig-error.js';

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

/**
 * Checks in usersig.md's order — empty, decode, sdkappid, identifier (exact, case-sensitive),
 * expiry (`now > time + expire` fails; the last second is valid), HMAC in constant time — and
 * throws UserSigError with the first failure.
 */
export function verifyUserSig(options: VerifyUserSigOptions): VerifiedUserSig {
  if (options.token === '') throw new UserSigError('empty', 'UserSig is empty');
  const doc = decodeUserSig(options.token);
  if (doc.sdkappid !== options.sdkappid) {
    throw new UserSigError('sdkappid_mismatch', `UserSig was issued for another SDKAppID than ${options.sdkappid}`);
  }
  if (doc.identifier !== options.identifier) {
    throw new UserSigError('identifier_mismatch', 'UserSig was issued for another identifier than the one in the URL');
  }
  const expiresAt = doc.time + doc.expire;
  if (options.nowSeconds > expiresAt) {
    throw new UserSigError('expired', `UserSig expired at ${new Date(expiresAt * 1000).toISOString()}`);
  }
  const expected = signUserSig(doc, options.key);
  // The sig is standard base64; decoding (leniently) and comparing bytes keeps the comparison
  // constant-time and independent of padding or alphabet.
  const given = decodeTencentBase64(doc.sig);
  if (given === undefined || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new UserSigError('bad_signature', "UserSig signature does not verify with the app's key");
  }
  return { sdkappid: doc.sdkappid, identifier: doc.identifier, expiresAt };
}
