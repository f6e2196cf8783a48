import type { FastifyRequest, preHandlerHookHandler, RouteOptions } from 'fastify';
import { authenticateToken, hasBearer } from '../tokens/authenticate-token.js';
import { UserSigError } from '../usersig/index.js';
import { ApiError } from './error-codes.js';
import { queryParams, userSigParam } from './query-params.js';
import { sdkAppIdOf } from './sdkappid-param.js';
import type { Caller, RestContext } from './rest-context.js';

/**
 * The checks every UserSig-authenticated /v4 call passes, in this order (api.md, usersig.md):
 * sdkappid missing → 60012; usersig empty/absent → 70002; braked → 70050 (unless this exact
 * UserSig was already verified); app unknown → 70020; no key → 70016; UserSig checks →
 * 70003/70014/70013/70001/70009 (each failure feeds the brake); identifier not an admin → 60010;
 * app disabled → 60006; frequency limit → 60007.
 *
 * The brake is keyed by (client address, SDKAppID) and by (SDKAppID, identifier) (see
 * limits/signature-brake.ts), so failures against one app cannot lock out another app's admins.
 * 60006 comes after authentication so that only the app's own admins learn it is disabled, and
 * a disabled app's calls are not counted against its limit.
 */
export function authenticate(ctx: RestContext, request: FastifyRequest): Caller | Promise<Caller> {
  // Only routes with config.consoleToken get here with a Bearer token (rest-plugin refuses it elsewhere).
  if (hasBearer(request)) return authenticateToken(ctx, request);
  const params = queryParams(request);
  const rawId = params.get('sdkappid')?.trim();
  if (!rawId) throw new ApiError('MISSING_SDKAPPID');
  const token = userSigParam(params);
  if (!token) throw new ApiError('USERSIG_EMPTY');
  const identifier = params.get('identifier');
  const attempt = { client: request.ip, sdkappid: rawId, identifier: identifier ?? '' };
  const nowSeconds = Math.floor(ctx.nowMs() / 1000);
  const sdkappid = sdkAppIdOf(rawId);

  // Each step answers at once when its store can (a cached app, limits in this process's memory),
  // so a call by a known admin of a cached app runs with no promise or microtask; otherwise the
  // step's promise is awaited. The order of the checks is the same either way.
  // Checked before the app is looked up, so a braked guesser costs no database read.
  return then(ctx.brake.brakedNow(attempt), (braked) => {
    const lookup = sdkappid === undefined ? undefined : ctx.apps.getNow(sdkappid);
    const app = braked !== undefined && lookup instanceof Promise ? lookup.catch(() => undefined) : lookup;
    return then(app, (app) => {
      const verifyOptions = app && app.secretKey !== null ? { token, sdkappid: app.sdkappid, identifier: identifier ?? '', key: app.secretKey, nowSeconds } : undefined;
      if (braked !== undefined && !(verifyOptions !== undefined && ctx.userSigs.holds(verifyOptions))) {
        throw new ApiError('TOO_MANY_SIG_FAILURES', braked === 'client' ? `from this client for SDKAppID ${rawId.slice(0, 20)}` : `for this identifier of SDKAppID ${rawId.slice(0, 20)}`);
      }
      if (!app) throw new ApiError('UNKNOWN_SDKAPPID', JSON.stringify(rawId.slice(0, 40)));
      if (verifyOptions === undefined) throw new ApiError('APP_HAS_NO_KEY', `app ${app.sdkappid} has no secret key`);

      try {
        ctx.userSigs.verify(verifyOptions);
      } catch (err) {
        if (!(err instanceof UserSigError)) throw err;
        return ctx.brake.recordFailure(attempt).then(() => {
          if (identifier === undefined && err.failure === 'identifier_mismatch') {
            throw new ApiError('USERSIG_IDENTIFIER_MISMATCH', 'identifier is missing from the query string');
          }
          throw err;
        });
      }

      if (!app.admins.includes(identifier!)) {
        throw new ApiError('NOT_ADMIN', `${JSON.stringify(identifier)} is not an admin account of app ${app.sdkappid}`);
      }
      if (!app.enabled) throw new ApiError('APP_DISABLED', String(app.sdkappid));

      const caller: Caller = { app, identifier: identifier! };
      if (request.routeOptions.config.frequencyLimit === false) return caller;
      const bucket = request.routeOptions.config.frequencyBucket ?? request.routeOptions.url;
      return then(ctx.frequency.takeNow(`${app.sdkappid} ${bucket}`), (admitted) => {
        if (!admitted) throw new ApiError('RATE_LIMITED', `${app.sdkappid} on ${request.routeOptions.url} (${ctx.frequency.description})`);
        return caller;
      });
    });
  });
}

/** `next(value)` at once for a value, after it resolves for a promise: one step of authenticate. */
function then<T, R>(value: T | PromiseLike<T>, next: (value: T) => R | Promise<R>): R | Promise<R> {
  // Any thenable counts (a LimitStore may hand back another library's promise); no value checked here has a `then`.
  return isThenable(value) ? Promise.resolve(value).then(next) : next(value);
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

const USERSIG_PRE_HANDLERS = new WeakSet<object>();

/**
 * The pre-handler of a UserSig-authenticated /v4 route, declared on the route:
 * `fastify.post(url, { preHandler: requireUserSig(ctx) }, handler)`. It runs `authenticate`
 * and sets the caller that `callerOf(request)` returns.
 */
export function requireUserSig(ctx: RestContext): preHandlerHookHandler {
  // Callback style, synchronous for a cached app: no promise or microtask on the hot path.
  const handler: preHandlerHookHandler = (request, _reply, done) => {
    let caller: Caller | Promise<Caller>;
    try {
      caller = authenticate(ctx, request);
    } catch (err) {
      return done(err as Error);
    }
    if (!(caller instanceof Promise)) {
      request.imstatsCaller = caller;
      return done();
    }
    caller.then((c) => {
      request.imstatsCaller = c;
      done();
    }, done);
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
