// Test vectors from shared/spec/usersig.md plus helpers to build hand-made tokens; used by tests only.
import { deflateSync } from 'node:zlib';
import { encodeTencentBase64 } from '../../src/usersig/tencent-base64.js';

export const VECTOR = {
  sdkappid: 1400000000,
  key: '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e',
  identifier: 'administrator',
  time: 1700000000,
  expire: 15552000,
  /** time + expire: the last valid second. */
  lastValidSecond: 1715552000,
  signedText: 'TLS.identifier:administrator\nTLS.sdkappid:1400000000\nTLS.time:1700000000\nTLS.expire:15552000\n',
  sig: 'JCzxanF8NTTXau4m+2h9wv7gYJnyNksm0xm1NEXU274=',
  nodeToken:
    'eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwokpuZl5mcUlRYkl*UVQBcUp2YkFBZkpSlaGJgZQAJEpycxNVbIyNEcVTa0oyCwCiZuamhrBRYsz05WslLycqyoS89ws-EJCIhJLTXK1jTIsy8vM0yO98ir9sotzDSpyDf1cI0KNzE1slWoBQr40pw__',
  pythonToken:
    'eJyrVgrxCdYrSy1SslJQMtIzUNJRAItkpqTmlWSmZUIkElNyM-Myi0uKEkvyi2BKilOyEwsKMlOACgxNDKAAKpdaUZBZlAqSMTU1NUKIl2TmgkXN0dQXZ6aD7PFyrqpIzHOz8AsJiUgsNcnVNsqwLC8zT4-0yqv0yy7ONajINfRzjQg1MjexVaoFANTGNgc_',
  goToken:
    'eAEBsgBN-3siVExTLnZlciI6IjIuMCIsIlRMUy5pZGVudGlmaWVyIjoiYWRtaW5pc3RyYXRvciIsIlRMUy5zZGthcHBpZCI6MTQwMDAwMDAwMCwiVExTLmV4cGlyZSI6MTU1NTIwMDAsIlRMUy50aW1lIjoxNzAwMDAwMDAwLCJUTFMuc2lnIjoiSkN6eGFuRjhOVFRYYXU0bSsyaDl3djdnWUpueU5rc20weG0xTkVYVTI3ND0ifQqDHzSx',
  userbuf: Buffer.from('hello-userbuf'),
  userbufBase64: 'aGVsbG8tdXNlcmJ1Zg==',
  userbufSig: 'HQD/65UJ5N8nJXGEJA3pqHCuE2tI4DJzDoQ8xWJbIwU=',
  /** The key with its first character changed from 5 to 6. */
  wrongKey: '6bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e',
} as const;

/** The vector's JSON document as an object (Node key order), for tampering. */
export function vectorDocument(): Record<string, unknown> {
  return {
    'TLS.ver': '2.0',
    'TLS.identifier': VECTOR.identifier,
    'TLS.sdkappid': VECTOR.sdkappid,
    'TLS.time': VECTOR.time,
    'TLS.expire': VECTOR.expire,
    'TLS.sig': VECTOR.sig,
  };
}

/** A token made from arbitrary JSON text (or bytes): zlib at `level`, then Tencent base64. */
export function tokenOfText(text: string | Buffer, level = -1): string {
  return encodeTencentBase64(deflateSync(typeof text === 'string' ? Buffer.from(text, 'utf8') : text, { level }));
}

/** A token made from a document object. */
export function tokenOfDocument(doc: unknown, level = -1): string {
  return tokenOfText(JSON.stringify(doc), level);
}
