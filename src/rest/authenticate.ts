import type { FastifyRequest, preHandlerAsyncHookHandler, RouteOptions } from 'fastify';
import { authenticateToken, hasBearer } from '../tokens/authenticate-token.js';
import { UserSigError } from '../usersig/index.js';
import { ApiError } from './error-codes.js';
import { queryParams, userSigParam } from './query-params.js';
import type { Caller, RestContext } from './rest-context.js';

const SDKAPPID = /^\d{1,15}$/;

/**
 * The checks every UserSig-authenticated /v4 call passes, in this order (api.md, usersig.md):
 * sdkappid missing → 60012; usersig empty/absent → 70002; client braked → 70050; app unknown →
 * 70020; no key → 70016; UserSig checks → 70003/70014/70013/70001/70009 (each failure feeds the
 * brake); identifier not an admin → 60010; app disabled → 60006; frequency limit → 60007.
 *
 * 60006 comes after authentication so that only the app's own admins learn it is disabled, and a
 * disabled app's calls are not counted against its limit.
 */
export async function authenticate(ctx: RestContext, request: FastifyRequest): Promise<Caller> {
  // Only routes with config.consoleToken get here with a Bearer token (rest-plugin refuses it elsewhere).
  if (hasBearer(request)) return authenticateToken(ctx, request);
  const params = queryParams(request);
  const rawId = params.get('sdkappid')?.trim();
  if (!rawId) throw new ApiError('MISSING_SDKAPPID');
  const token = userSigParam(params);
  if (!token) throw new ApiError('USERSIG_EMPTY');

  const client = request.ip;
  if (ctx.brake.isBraked(client)) throw new ApiError('TOO_MANY_SIG_FAILURES');

  const sdkappid = SDKAPPID.test(rawId) ? Number(rawId) : undefined;
  const app = sdkappid === undefined ? undefined : await ctx.apps.get(sdkappid);
  if (!app) throw new ApiError('UNKNOWN_SDKAPPID', `SDKAppID ${JSON.stringify(rawId.slice(0, 40))} does not exist`);
  if (app.secretKey === null) throw new ApiError('APP_HAS_NO_KEY', `app ${app.sdkappid} has no secret key`);

  const identifier = params.get('identifier');
  try {
    ctx.userSigs.verify({
      token,
      sdkappid: app.sdkappid,
      identifier: identifier ?? '',
      key: app.secretKey,
      nowSeconds: Math.floor(ctx.nowMs() / 1000),
    });
  } catch (err) {
    if (!(err instanceof UserSigError)) throw err;
    ctx.brake.recordFailure(client);
    if (identifier === undefined && err.failure === 'identifier_mismatch') {
      throw new ApiError('USERSIG_IDENTIFIER_MISMATCH', 'identifier is missing from the query string');
    }
    throw err;
  }

  if (!app.admins.includes(identifier!)) {
    throw new ApiError('NOT_ADMIN', `${JSON.stringify(identifier)} is not an admin account of app ${app.sdkappid}`);
  }
  if (!app.enabled) throw new ApiError('APP_DISABLED', `SDKAppID ${app.sdkappid} is disabled`);

  if (request.routeOptions.config.frequencyLimit !== false) {
    const bucket = request.routeOptions.config.frequencyBucket ?? request.routeOptions.url;
    if (!ctx.frequency.take(`${app.sdkappid} ${bucket}`)) {
      throw new ApiError('RATE_LIMITED', `SDKAppID ${app.sdkappid} is over its limit for ${request.routeOptions.url}`);
    }
  }
  return { app, identifier: identifier! };
}

const USERSIG_PRE_HANDLERS = new WeakSet<object>();

/**
 * The pre-handler of a UserSig-authenticated /v4 route, declared on the route:
 * `fastify.post(url, { preHandler: requireUserSig(ctx) }, handler)`. It runs `authenticate`
 * and sets the caller that `callerOf(request)` returns.
 */
export function requireUserSig(ctx: RestContext): preHandlerAsyncHookHandler {
  const handler: preHandlerAsyncHookHandler = async (request) => {
    request.imstatsCaller = await authenticate(ctx, request);
  };
  USERSIG_PRE_HANDLERS.add(handler);
  return handler;
}

/**
 * Whether a route declares how it is authenticated: `preHandler: requireUserSig(ctx)`, or
 * `config: { auth: 'none' }` for a route that checks its callers itself. The /v4 plugin refuses
 * to register a route that declares neither, so a new route cannot be open by accident.
 */
export function declaresAuth(route: RouteOptions): boolean {
  if (route.config?.auth === 'none') return true;
  const pre = route.preHandler;
  const handlers = pre === undefined ? [] : Array.isArray(pre) ? pre : [pre];
  return handlers.some((h) => USERSIG_PRE_HANDLERS.has(h));
}

/** The caller set by requireUserSig; a route with `auth: 'none'` has none. */
export function callerOf(request: FastifyRequest): Caller {
  const caller = request.imstatsCaller;
  if (caller === null) throw new Error('route is not authenticated (config.auth is "none")');
  return caller;
}
