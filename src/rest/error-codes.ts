/**
 * Every business outcome of the REST API, with Tencent's code and a default English text.
 * The README's error table is checked against this catalog by a test.
 */
export const ERROR_CODES = {
  OK: { code: 0, info: 'OK' },
  INVALID_JSON: { code: 130001, info: 'request packet is not valid: JSON parsing error' },
  DB_OPEN: { code: 130009, info: 'database cannot be opened' },
  DB_PING: { code: 130010, info: 'database does not answer (connection lost)' },
  DB_QUERY: { code: 130011, info: 'database query failed' },
  DB_DECODE: { code: 130012, info: 'database row could not be decoded' },
  BAD_HTTP: { code: 60002, info: 'HTTP request cannot be parsed' },
  APP_DISABLED: { code: 60006, info: 'SDKAppID is disabled' },
  RATE_LIMITED: { code: 60007, info: 'over the frequency limit for this API and SDKAppID' },
  UNKNOWN_COMMAND: { code: 60009, info: 'unknown service/command path' },
  NOT_ADMIN: { code: 60010, info: 'identifier is not an app admin' },
  MISSING_SDKAPPID: { code: 60012, info: 'sdkappid is missing from the query string' },
  USERSIG_EXPIRED: { code: 70001, info: 'UserSig has expired' },
  USERSIG_EMPTY: { code: 70002, info: 'UserSig is empty or absent' },
  USERSIG_UNDECODABLE: { code: 70003, info: 'UserSig cannot be decoded' },
  USERSIG_BAD_SIGNATURE: { code: 70009, info: "UserSig signature does not verify with the app's key" },
  USERSIG_IDENTIFIER_MISMATCH: { code: 70013, info: 'identifier in the URL differs from the one in the UserSig' },
  USERSIG_SDKAPPID_MISMATCH: { code: 70014, info: 'SDKAppID in the URL differs from the one in the UserSig' },
  APP_HAS_NO_KEY: { code: 70016, info: 'the app has no key to verify UserSigs with' },
  UNKNOWN_SDKAPPID: { code: 70020, info: 'SDKAppID does not exist' },
  TOO_MANY_SIG_FAILURES: { code: 70050, info: 'too many failed UserSig checks; retry after a minute' },
  // Our extension (events.md section 2): a Tencent-format callback for an app that has a callback token.
  CALLBACK_BAD_SIGN: { code: 70060, info: 'callback Sign is missing or is not hex(sha256(token + RequestTime))' },
  CALLBACK_BAD_REQUEST_TIME: { code: 70061, info: 'callback RequestTime is missing, not Unix seconds, or more than 5 minutes off' },
  // Our extension (README "Feeding imstats from OpenIM"): the OpenIM webhook receiver's refusals.
  OPENIM_BAD_SECRET: { code: 70062, info: "the OpenIM webhook URL's secret is not the app's (imstats app openim set)" },
  OPENIM_SOURCE_NOT_ALLOWED: { code: 70063, info: "the webhook's source address is not in the app's OpenIM allow-list" },
  // Our extension (console.md): a console-token call whose token is absent, unknown, revoked or expired.
  CONSOLE_TOKEN_INVALID: { code: 70080, info: 'console token is missing, unknown, revoked or expired' },
  // Tencent's common code for an unexpected server fault; answered with HTTP 200 like every outcome.
  INTERNAL_ERROR: { code: 70500, info: 'internal server error; please retry' },
} as const satisfies Record<string, { code: number; info: string }>;

export type ErrorName = keyof typeof ERROR_CODES;
export type ErrorCode = (typeof ERROR_CODES)[ErrorName]['code'];

/** A business failure carried to the REST error handler, which writes Tencent's envelope. */
export class ApiError extends Error {
  readonly code: number;
  constructor(
    readonly errorName: Exclude<ErrorName, 'OK'>,
    detail?: string,
  ) {
    const base = ERROR_CODES[errorName];
    super(detail ? `${base.info}: ${detail}` : base.info);
    this.name = 'ApiError';
    this.code = base.code;
  }
}
