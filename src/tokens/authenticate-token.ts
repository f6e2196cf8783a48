import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../rest/error-codes.js';
import { queryParams } from '../rest/query-params.js';
import { sdkAppIdOf } from '../rest/sdkappid-param.js';
import type { Caller, RestContext } from '../rest/rest-context.js';
import { tokenId, tokenMatches } from './console-token.js';
import type { ConsoleToken } from './tokens-repo.js';

/** A token's last-used time is written at most this often (a read is not a write per call): 60 s. */
export const LAST_USED_RESOLUTION_MS = 60_000;

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** Whether the request carries `Authorization: Bearer …` (then it is a console-token call). */
export function hasBearer(request: FastifyRequest): boolean {
  const header = request.headers.authorization;
  return typeof header === 'string' && /^Bearer(?:[ \t]|$)/i.test(header);
}

/**
 * Checks the request's console token: braked client → 70050; missing, malformed, unknown,
 * revoked or expired → 70080 (each feeds the same brake as failed UserSigs). There is no cache:
 * every check reads the token's row by primary key, so a revocation takes effect at once on every
 * node sharing the database. Notes the use (at most once per LAST_USED_RESOLUTION_MS).
 */
export async function verifyConsoleToken(ctx: RestContext, request: FastifyRequest): Promise<ConsoleToken> {
  // Token guessing feeds the same brake as failed UserSigs, keyed by (client, app) and (app, "console token").
  const attempt = { client: request.ip, sdkappid: queryParams(request).get('sdkappid')?.trim() ?? '', identifier: 'console token' };
  if ((await ctx.brake.braked(attempt)) !== undefined) throw new ApiError('TOO_MANY_SIG_FAILURES', 'too many failed console-token checks from this client');
  const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
  if (token === undefined) throw new ApiError('CONSOLE_TOKEN_INVALID', 'send the header "Authorization: Bearer <console token>"');
  const id = tokenId(token);
  const record = id === undefined ? undefined : await ctx.tokens.get(id);
  const refuse = async (detail: string) => {
    await ctx.brake.recordFailure(attempt);
    return new ApiError('CONSOLE_TOKEN_INVALID', detail);
  };
  if (record === undefined || !tokenMatches(token, record.hash)) throw await refuse('the token is not one imstats issued');
  const now = ctx.nowMs();
  if (record.revokedAt !== null) throw await refuse(`token ${record.id} was revoked at ${new Date(record.revokedAt).toISOString()}`);
  if (record.expiresAt !== null && now >= record.expiresAt) throw await refuse(`token ${record.id} expired at ${new Date(record.expiresAt).toISOString()}`);
  if (record.lastUsedAt === null || now - record.lastUsedAt >= LAST_USED_RESOLUTION_MS) await ctx.tokens.touch(record.id, now);
  return record;
}

/**
 * Console-token authentication of a route that reads one app (getappinfo, getstats): the query
 * still names `sdkappid` (60012 without it); the token must be valid (verifyConsoleToken) and
 * scoped to that app or to all apps (60010 otherwise: the same answer whether or not the other
 * app exists); unknown app → 70020; disabled → 60006; then the same frequency bucket as UserSig
 * calls (60007).
 */
export async function authenticateToken(ctx: RestContext, request: FastifyRequest): Promise<Caller> {
  const rawId = queryParams(request).get('sdkappid')?.trim();
  if (!rawId) throw new ApiError('MISSING_SDKAPPID');
  const token = await verifyConsoleToken(ctx, request);
  const sdkappid = sdkAppIdOf(rawId);
  if (token.sdkappid !== null && token.sdkappid !== sdkappid) {
    throw new ApiError('NOT_ADMIN', `console token ${token.id} reads app ${token.sdkappid} only, not ${JSON.stringify(rawId.slice(0, 40))}`);
  }
  const app = sdkappid === undefined ? undefined : await ctx.apps.get(sdkappid);
  if (!app) throw new ApiError('UNKNOWN_SDKAPPID', `SDKAppID ${JSON.stringify(rawId.slice(0, 40))} does not exist`);
  if (!app.enabled) throw new ApiError('APP_DISABLED', `SDKAppID ${app.sdkappid} is disabled`);
  const bucket = request.routeOptions.config.frequencyBucket ?? request.routeOptions.url;
  if (request.routeOptions.config.frequencyLimit !== false && !(await ctx.frequency.take(`${app.sdkappid} ${bucket}`))) {
    throw new ApiError('RATE_LIMITED', `SDKAppID ${app.sdkappid} is over its limit for ${bucket}`);
  }
  return { app, identifier: `token:${token.id}`, token };
}

/**
 * A plugin-wide pre-handler: a Bearer token on a route that does not accept console tokens (any
 * route that writes or administers) is refused with 60010 before the route or its own checks run.
 */
export function refuseTokenWhereNotAccepted(request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void): void {
  // Callback style: it runs before every /v4 route, and an async hook costs a promise and a microtask per call.
  if (request.is404 || request.routeOptions.config.consoleToken === true || !hasBearer(request)) return done();
  done(new ApiError('NOT_ADMIN', `console tokens are read-only; ${request.method} ${request.routeOptions.url ?? request.url.split('?', 1)[0]} needs a UserSig`));
}
