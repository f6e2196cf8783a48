import { inflateSync } from 'node:zlib';
import { decodeTencentBase64 } from './tencent-base64.js';
import { parseUserSigDocument, type UserSigDocument } from './usersig-document.js';
import { UserSigError } from './user-sig-error.js';

/** Largest inflated document accepted: 16 KiB (a real one is ~200 bytes; this stops zlib bombs). */
export const MAX_INFLATED_USERSIG_BYTES = 16 * 1024;

/**
 * Longest token looked at: 32 KiB characters. Anything inflating to at most 16 KiB fits with room
 * to spare even stored uncompressed; longer input is refused before any base64 or zlib work.
 */
export const MAX_USERSIG_LENGTH = 32 * 1024;

/**
 * token → tencentBase64 → zlib (RFC 1950, any level) → UTF-8 → JSON document. Does not check
 * the signature. Throws UserSigError('undecodable') with a reason that never quotes the token.
 */
export function decodeUserSig(token: string): UserSigDocument {
  if (token.length > MAX_USERSIG_LENGTH) throw undecodable(`it is longer than ${MAX_USERSIG_LENGTH} characters`);
  const compressed = decodeTencentBase64(token);
  if (compressed === undefined) throw undecodable('it is not valid (Tencent) base64');
  let inflated: Buffer;
  try {
    inflated = inflateSync(compressed, { maxOutputLength: MAX_INFLATED_USERSIG_BYTES });
  } catch (error) {
    const tooLarge = (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE';
    throw undecodable(tooLarge ? `it inflates to more than ${MAX_INFLATED_USERSIG_BYTES} bytes` : 'it is not a valid zlib stream');
  }
  let json: string;
  try {
    json = UTF8.decode(inflated);
  } catch {
    throw undecodable('the inflated UserSig is not UTF-8');
  }
  return parseUserSigDocument(json);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function undecodable(reason: string): UserSigError {
  return new UserSigError('undecodable', `UserSig cannot be parsed: ${reason}`);
}
