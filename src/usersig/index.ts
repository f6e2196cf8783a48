/**
 * UserSig v2 (TLSSigAPIv2): a pure codec, signer and verifier (shared/spec/usersig.md).
 * The REST layer maps UserSigError.failure to error codes; the CLI uses makeUserSig.
 */
export { UserSigError, type UserSigFailure } from './user-sig-error.js';
export { encodeTencentBase64, decodeTencentBase64 } from './tencent-base64.js';
export { parseUserSigDocument, type UserSigDocument } from './usersig-document.js';
export { decodeUserSig, MAX_INFLATED_USERSIG_BYTES, MAX_USERSIG_LENGTH } from './decode-usersig.js';
export { signUserSig, userSigSignedText, type SignedUserSigFields } from './sign-usersig.js';
export { makeUserSig, DEFAULT_USERSIG_EXPIRE_SECONDS, type MakeUserSigOptions } from './make-usersig.js';
export { verifyUserSig, type VerifyUserSigOptions, type VerifiedUserSig } from './verify-usersig.js';
export {
  VerifiedUserSigCache,
  DEFAULT_USERSIG_CACHE_ENTRIES,
  type UserSigVerifier,
} from './verified-usersig-cache.js';
