import { deflateSync } from 'node:zlib';
import { signUserSig } from './sign-usersig.js';
import { encodeTencentBase64 } from './tencent-base64.js';

/** Default validity of a made UserSig: 180 days, as Tencent's examples use. */
export const DEFAULT_USERSIG_EXPIRE_SECONDS = 180 * 24 * 60 * 60;

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

/**
 * Makes a UserSig exactly as Tencent's Node library (tls-sig-api-v2) does: same JSON key order,
 * zlib at the default level, Tencent base64 — byte-identical for the same inputs and time.
 * Throws RangeError for a sdkappid, time or validity that is not a non-negative safe integer.
 */
export function makeUserSig(options: MakeUserSigOptions): string {
  const sdkappid = requireCount('sdkappid', options.sdkappid);
  const time = requireCount('nowSeconds', options.nowSeconds ?? Math.floor(Date.now() / 1000));
  const expire = requireCount('expireSeconds', options.expireSeconds ?? DEFAULT_USERSIG_EXPIRE_SECONDS);
  const identifier = options.identifier;
  const userbuf = options.userbuf === undefined ? undefined : options.userbuf.toString('base64');
  const sig = signUserSig({ identifier, sdkappid, time, expire, userbuf }, options.key).toString('base64');
  // Insertion order is the JSON key order; it matches the Node library's object literal.
  const doc: Record<string, string | number> = {
    'TLS.ver': '2.0',
    'TLS.identifier': identifier,
    'TLS.sdkappid': sdkappid,
    'TLS.time': time,
    'TLS.expire': expire,
  };
  if (userbuf !== undefined) doc['TLS.userbuf'] = userbuf;
  doc['TLS.sig'] = sig;
  return encodeTencentBase64(deflateSync(Buffer.from(JSON.stringify(doc), 'utf8')));
}

function requireCount(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`makeUserSig: ${name} must be a non-negative integer, got ${value}`);
  }
  return value;
}
