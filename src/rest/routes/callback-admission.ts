import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { verifyCallbackSign } from '../../events/adapters/tencent-callback/index.js';
import type { App } from '../../store/apps-repo.js';
import { ApiError } from '../error-codes.js';
import { queryParams } from '../query-params.js';
import { sdkAppIdOf } from '../sdkappid-param.js';
import type { RestContext } from '../rest-context.js';


/**
 * Unknown SDKAppIDs are checked as if they had this token, which nobody knows (fresh per process):
 * a caller without the app's token gets the same answers whether the app exists or not.
 */
const UNKNOWN_APP_TOKEN = randomBytes(32).toString('hex');

/** A callback let in by its URL: the app, and when it arrived. */
export interface AdmittedCallback {
  readonly app: App;
  readonly arrivalMs: number;
}

const admitted = new WeakMap<FastifyRequest, AdmittedCallback>();

/**
 * The callback route's `preParsing` hook: everything the URL can tell is checked before a byte
 * of the (up to 16 MiB) body is read — SdkAppid present (60012); when the app has a callback
 * token, or is unknown, RequestTime (70061) and Sign (70060), with one answer for "unknown app"
 * and "bad Sign"; then app disabled (60006), told only to a caller that passed the Sign check.
 */
export function callbackAdmission(ctx: RestContext) {
  return async (request: FastifyRequest, _reply: unknown, payload: NodeJS.ReadableStream): Promise<NodeJS.ReadableStream> => {
    admitted.set(request, await admit(ctx, request));
    return payload;
  };
}

/** What the admission hook found for this request. */
export function admittedCallback(request: FastifyRequest): AdmittedCallback {
  const found = admitted.get(request);
  if (found === undefined) throw new Error('callback admission did not run (route without its preParsing hook)');
  return found;
}

async function admit(ctx: RestContext, request: FastifyRequest): Promise<AdmittedCallback> {
  const params = queryParams(request);
  const rawId = params.get('sdkappid')?.trim();
  if (!rawId) throw new ApiError('MISSING_SDKAPPID', 'SdkAppid is missing from the query string');
  const sdkappid = sdkAppIdOf(rawId);
  const app = sdkappid === undefined ? undefined : await ctx.apps.get(sdkappid);
  const arrivalMs = ctx.nowMs();
  const token = app === undefined ? UNKNOWN_APP_TOKEN : app.callbackToken;
  if (token !== null) {
    const check = verifyCallbackSign({ token, requestTime: params.get('requesttime'), sign: params.get('sign'), nowMs: arrivalMs });
    if (!check.ok) {
      if (!check.failure.endsWith('sign')) throw new ApiError('CALLBACK_BAD_REQUEST_TIME', check.message);
      throw new ApiError('CALLBACK_BAD_SIGN', `${check.message} (or SdkAppid is not an app of this server)`);
    }
  }
  // Only reachable with a Sign made from the unknown-app token, i.e. never.
  if (app === undefined) throw new ApiError('CALLBACK_BAD_SIGN', 'Sign does not match (or SdkAppid is not an app of this server)');
  if (!app.enabled) throw new ApiError('APP_DISABLED', String(app.sdkappid));
  return { app, arrivalMs };
}
