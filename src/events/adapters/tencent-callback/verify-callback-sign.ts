import { createHash, timingSafeEqual } from 'node:crypto';

/** How far `RequestTime` may be from now, either way (events.md: 5 minutes). */
export const MAX_REQUEST_TIME_SKEW_MS = 5 * 60_000;

export interface CallbackSignInput {
  /** The app's callback token (set with `imstats app callback-token set`). */
  readonly token: string;
  /** The URL's `RequestTime` (Unix seconds, as sent); undefined when absent. */
  readonly requestTime: string | number | undefined;
  /** The URL's `Sign` (hex sha-256); undefined when absent. */
  readonly sign: string | undefined;
  /** Now, Unix ms. */
  readonly nowMs: number;
  /** Allowed distance between RequestTime and now; default MAX_REQUEST_TIME_SKEW_MS. */
  readonly maxSkewMs?: number;
}

/** Why a signed callback was refused. */
export type CallbackSignFailure = 'missing-request-time' | 'bad-request-time' | 'stale-request-time' | 'future-request-time' | 'missing-sign' | 'bad-sign';

export type CallbackSignCheck = { readonly ok: true } | { readonly ok: false; readonly failure: CallbackSignFailure; readonly message: string };

const refuse = (failure: CallbackSignFailure, message: string): CallbackSignCheck => ({ ok: false, failure, message });

/** Tencent's callback signature: lowercase hex of sha256(token + RequestTime). */
export function callbackSign(token: string, requestTime: string): string {
  return createHash('sha256').update(token + requestTime).digest('hex');
}

/**
 * Checks Tencent's callback authentication for an app that has a callback token:
 * `Sign = hex(sha256(token + RequestTime))`, compared in constant time (hex case ignored), and
 * `RequestTime` no more than 5 minutes from now either way. The token and the expected sign are
 * never put in a message. Apps without a token accept unsigned callbacks; the caller skips this.
 */
export function verifyCallbackSign(input: CallbackSignInput): CallbackSignCheck {
  const maxSkewMs = input.maxSkewMs ?? MAX_REQUEST_TIME_SKEW_MS;
  const sign = input.sign?.trim() ?? '';
  if (sign === '') return refuse('missing-sign', 'Sign is missing; this app signs its callbacks');
  const raw = input.requestTime === undefined ? '' : String(input.requestTime).trim();
  if (raw === '') return refuse('missing-request-time', 'RequestTime is missing; this app signs its callbacks');
  if (!/^\d{1,12}$/.test(raw)) return refuse('bad-request-time', `RequestTime must be Unix seconds, got ${JSON.stringify(raw.slice(0, 20))}`);
  const skewMs = Number(raw) * 1000 - input.nowMs;
  if (skewMs < -maxSkewMs) return refuse('stale-request-time', `RequestTime is ${Math.round(-skewMs / 1000)} s old; at most ${maxSkewMs / 1000} s is accepted`);
  if (skewMs > maxSkewMs) return refuse('future-request-time', `RequestTime is ${Math.round(skewMs / 1000)} s in the future; at most ${maxSkewMs / 1000} s is accepted`);

  if (!/^[0-9a-fA-F]{64}$/.test(sign)) return refuse('bad-sign', 'Sign must be 64 hex digits (sha-256)');
  const expected = createHash('sha256').update(input.token + raw).digest();
  if (!timingSafeEqual(Buffer.from(sign, 'hex'), expected)) return refuse('bad-sign', 'Sign does not match sha256(token + RequestTime)');
  return { ok: true };
}
