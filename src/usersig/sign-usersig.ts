import { createHmac } from 'node:crypto';

/** What a UserSig's HMAC covers; `TLS.ver` is not signed. */
export interface SignedUserSigFields {
  readonly identifier: string;
  readonly sdkappid: number;
  readonly time: number;
  readonly expire: number;
  /** `TLS.userbuf` exactly as in the JSON (standard base64); absent = not signed. */
  readonly userbuf?: string;
}

/** The text the HMAC is computed over: fixed line order whatever the JSON's key order. */
export function userSigSignedText(fields: SignedUserSigFields): string {
  let text =
    `TLS.identifier:${fields.identifier}\n` +
    `TLS.sdkappid:${fields.sdkappid}\n` +
    `TLS.time:${fields.time}\n` +
    `TLS.expire:${fields.expire}\n`;
  if (fields.userbuf !== undefined) text += `TLS.userbuf:${fields.userbuf}\n`;
  return text;
}

/** HMAC-SHA256 of the signed text; the key is the console's secret key as UTF-8 text (not hex-decoded). */
export function signUserSig(fields: SignedUserSigFields, key: string): Buffer {
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(userSigSignedText(fields), 'utf8').digest();
}
