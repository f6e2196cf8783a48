import type { DbFailure } from '../store/dialects/dialect.js';
import { InboxFullError } from '../inbox/callback-inbox.js';
import { StoreError } from '../store/store-error.js';
import { UserSigError, type UserSigFailure } from '../usersig/index.js';
import { ApiError, ERROR_CODES, type ErrorName } from './error-codes.js';

type FailureName = Exclude<ErrorName, 'OK'>;

/** Each UserSig failure's code; the compiler checks the mapping is exhaustive. */
export const USERSIG_FAILURE_ERRORS: Readonly<Record<UserSigFailure, FailureName>> = {
  empty: 'USERSIG_EMPTY',
  undecodable: 'USERSIG_UNDECODABLE',
  sdkappid_mismatch: 'USERSIG_SDKAPPID_MISMATCH',
  identifier_mismatch: 'USERSIG_IDENTIFIER_MISMATCH',
  expired: 'USERSIG_EXPIRED',
  bad_signature: 'USERSIG_BAD_SIGNATURE',
};

/** Each database failure's code (api.md: 130009…130012). */
export const DB_FAILURE_ERRORS: Readonly<Record<DbFailure, FailureName>> = {
  open: 'DB_OPEN',
  ping: 'DB_PING',
  query: 'DB_QUERY',
  decode: 'DB_DECODE',
};

/** What the client is told, and whether the server log needs the full error. */
export interface ErrorResponse {
  readonly code: number;
  readonly info: string;
  /** `error`: a fault of ours (database, bug) worth a log line with the cause; `none`: a client mistake. */
  readonly log: 'error' | 'none';
}

/**
 * Maps anything thrown while answering a /v4 call to Tencent's code and an ErrorInfo. Database
 * and unexpected errors keep their details (paths, SQL, stack) for the log only.
 */
export function errorResponse(err: unknown): ErrorResponse {
  if (err instanceof ApiError) return { code: err.code, info: err.message, log: 'none' };
  if (err instanceof UserSigError) {
    return { code: ERROR_CODES[USERSIG_FAILURE_ERRORS[err.failure]].code, info: err.message, log: 'none' };
  }
  // Nothing was stored: a non-zero code, so the sender retries later (api.md: over the limit → 60007 at once, never queue).
  if (err instanceof InboxFullError) return { code: ERROR_CODES.RATE_LIMITED.code, info: `${ERROR_CODES.RATE_LIMITED.info}: ${err.message}`, log: 'none' };
  if (err instanceof StoreError) {
    const base = ERROR_CODES[DB_FAILURE_ERRORS[err.failure]];
    return { code: base.code, info: `${base.info}; please retry`, log: 'error' };
  }
  const fastifyCode = (err as { code?: unknown } | null)?.code;
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  if (typeof fastifyCode === 'string' && fastifyCode.startsWith('FST_ERR_CTP_')) {
    // Body problems detected by Fastify itself (bad Content-Length, aborted upload…).
    return { code: ERROR_CODES.INVALID_JSON.code, info: `request body cannot be read: ${(err as Error).message}`, log: 'none' };
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { code: ERROR_CODES.BAD_HTTP.code, info: `${ERROR_CODES.BAD_HTTP.info}: ${(err as Error).message}`, log: 'none' };
  }
  return { code: ERROR_CODES.INTERNAL_ERROR.code, info: ERROR_CODES.INTERNAL_ERROR.info, log: 'error' };
}
