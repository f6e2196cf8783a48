import { UserSigError } from './user-sig-error.js';

/** The fields of a UserSig's JSON document (`TLS.*`), normalised. */
export interface UserSigDocument {
  /** `TLS.ver` as written ("2.0"). */
  readonly ver: string;
  readonly identifier: string;
  readonly sdkappid: number;
  /** Issue time, Unix seconds; 0 when absent (Go omits zero values). */
  readonly time: number;
  /** Validity in seconds from `time`; 0 when absent. */
  readonly expire: number;
  /** `TLS.userbuf` exactly as written (standard base64), when present. */
  readonly userbuf?: string;
  /** `TLS.sig` as written: base64 of the HMAC-SHA256. */
  readonly sig: string;
}

/**
 * Parses the inflated JSON of a UserSig. Key order, spacing and trailing whitespace differ
 * between Tencent's libraries, so this parses rather than compares text. Numbers may be JSON
 * numbers or canonical decimal strings; they must be non-negative safe integers.
 * Throws UserSigError('undecodable') naming the offending field (never its value).
 */
export function parseUserSigDocument(json: string): UserSigDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw undecodable('the inflated UserSig is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw undecodable('the inflated UserSig is not a JSON object');
  }
  const doc = parsed as Record<string, unknown>;

  const ver = doc['TLS.ver'];
  // v1 (ECDSA) documents carry "TLS.version" instead; they are not supported.
  if (!((typeof ver === 'string' || typeof ver === 'number') && Number(ver) === 2)) {
    throw undecodable('TLS.ver is missing or not 2.0 (only TLSSigAPIv2 UserSigs are supported)');
  }
  const identifier = doc['TLS.identifier'];
  if (typeof identifier !== 'string') throw undecodable('TLS.identifier is missing or not a string');
  const sdkappid = integerField(doc, 'TLS.sdkappid', false);
  const time = integerField(doc, 'TLS.time', true);
  const expire = integerField(doc, 'TLS.expire', true);
  const userbuf = doc['TLS.userbuf'];
  if (userbuf !== undefined && userbuf !== null && typeof userbuf !== 'string') {
    throw undecodable('TLS.userbuf is not a string');
  }
  const sig = doc['TLS.sig'];
  if (typeof sig !== 'string') throw undecodable('TLS.sig is missing or not a string');

  return {
    ver: String(ver),
    identifier,
    sdkappid,
    time,
    expire,
    ...(typeof userbuf === 'string' ? { userbuf } : {}),
    sig,
  };
}

function integerField(doc: Record<string, unknown>, name: string, zeroWhenMissing: boolean): number {
  const value = doc[name];
  if (value === undefined && zeroWhenMissing) return 0;
  // Only canonical decimals: the signer signed the number's decimal text, so "017" or "1e3"
  // could never verify anyway and are better reported as malformed.
  const number =
    typeof value === 'number' ? value : typeof value === 'string' && /^(0|[1-9][0-9]*)$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < 0) {
    throw undecodable(`${name} is ${value === undefined ? 'missing' : 'not a non-negative integer'}`);
  }
  return number;
}

function undecodable(message: string): UserSigError {
  return new UserSigError('undecodable', `UserSig cannot be parsed: ${message}`);
}
