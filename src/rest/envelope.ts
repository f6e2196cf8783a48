import { ERROR_CODES } from './error-codes.js';

/** Tencent's failure envelope; keys in byte-wise order, no `Result`. */
export interface FailureEnvelope {
  readonly ActionStatus: 'FAIL';
  readonly ErrorCode: number;
  readonly ErrorInfo: string;
}

/** Tencent's success envelope around a route's `Result` (keys in byte-wise order). */
export interface SuccessEnvelope<R> {
  readonly ActionStatus: 'OK';
  readonly ErrorCode: 0;
  readonly ErrorInfo: 'OK';
  readonly Result: R;
}

/**
 * The Content-Type of every /v4 answer. Exactly `application/json` as Tencent sends it: some
 * generated SDKs compare the media type, and none needs a charset (the body is ASCII-safe JSON).
 */
export const ENVELOPE_CONTENT_TYPE = 'application/json';

export function failureEnvelope(code: number, info: string): FailureEnvelope {
  return { ActionStatus: 'FAIL', ErrorCode: code, ErrorInfo: info };
}

export function successEnvelope<R>(result: R): SuccessEnvelope<R> {
  return { ActionStatus: 'OK', ErrorCode: ERROR_CODES.OK.code, ErrorInfo: 'OK', Result: result };
}

/**
 * The success envelope's JSON around its `Result` as the getappinfo response schema serializes
 * it (keys in byte-wise order), for a `Result` written as JSON elsewhere (report/daily-report-json.ts).
 */
export const SUCCESS_ENVELOPE_JSON = { open: `{"ActionStatus":"OK","ErrorCode":${ERROR_CODES.OK.code},"ErrorInfo":"OK","Result":`, close: '}' } as const;
