import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A console token: `imst_<id>_<secret>`. The id (12 hex characters, 48 random bits) names the
 * stored row so a check reads one row by primary key; the secret is 32 random bytes, base64url
 * (43 characters). Only SHA-256 of the whole token is stored: with 256 bits of entropy a fast
 * hash is enough (nothing to brute-force, unlike a password), and it keeps every check cheap.
 */
const TOKEN = /^imst_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** Bytes of randomness in a token's secret part (console.md: at least 32). */
export const TOKEN_SECRET_BYTES = 32;

export interface NewToken {
  /** The token as the holder sees it; printed once, never stored. */
  readonly token: string;
  readonly id: string;
  /** Lowercase hex SHA-256 of `token`: what is stored. */
  readonly hash: string;
}

/** A fresh token with its id and hash. */
export function generateToken(): NewToken {
  const id = randomBytes(6).toString('hex');
  const token = `imst_${id}_${randomBytes(TOKEN_SECRET_BYTES).toString('base64url')}`;
  return { token, id, hash: hashToken(token) };
}

/** Lowercase hex SHA-256 of a token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The id part of a well-formed token, or undefined for anything else. */
export function tokenId(token: string): string | undefined {
  return TOKEN.exec(token)?.[1];
}

/** Whether `token` hashes to `storedHash`, compared in constant time. */
export function tokenMatches(token: string, storedHash: string): boolean {
  const actual = Buffer.from(hashToken(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === actual.length && timingSafeEqual(actual, stored);
}
