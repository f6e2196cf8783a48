import { AppsRepo, type App } from '../../store/apps-repo.js';
import { verifyConsoleToken } from '../../tokens/authenticate-token.js';
import { ApiError } from '../error-codes.js';
import type { RestRoute } from './index.js';

/**
 * `GET /v4/imstats/apps` (console.md): the apps a console token may read — every app for an
 * operator token, its one app otherwise — as SDKAppID, name, company and time zone, ordered by
 * SDKAppID. Takes a console token only (`Authorization: Bearer`); counted against the frequency
 * limit per token.
 */
export const appsRoute: RestRoute = async (fastify, ctx) => {
  const repo = new AppsRepo(ctx.store);
  fastify.get('/imstats/apps', { config: { auth: 'none', consoleToken: true } }, async (request) => {
    const token = await verifyConsoleToken(ctx, request);
    if (!(await ctx.frequency.take(`token:${token.id} /imstats/apps`))) throw new ApiError('RATE_LIMITED', `token ${token.id} is over its limit for /imstats/apps`);
    let apps: readonly App[];
    if (token.sdkappid === null) apps = await repo.list();
    else {
      const app = await ctx.apps.get(token.sdkappid);
      apps = app ? [app] : [];
    }
    // Keys in byte-wise order and every value a string, as every answer of this API.
    return {
      ActionStatus: 'OK',
      Apps: apps.map((a) => ({ AppName: a.name, Company: a.company, Enabled: a.enabled ? '1' : '0', SDKAppID: String(a.sdkappid), TimeZone: a.timezone })),
      ErrorCode: 0,
      ErrorInfo: 'OK',
    };
  });
};
