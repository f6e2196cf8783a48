import type { FastifyPluginAsync } from 'fastify';
import type { RestContext } from '../rest-context.js';
import { appsRoute } from './apps.js';
import { getAppInfoRoute } from './getappinfo.js';
import { getStatsRoute } from './getstats.js';
import { ingestRoute } from './ingest.js';
import { openImWebhookRoute } from './openim-webhook.js';
import { tencentCallbackRoute } from './tencent-callback.js';

/**
 * A /v4 route: a Fastify plugin registered under the `/v4` prefix (so it declares
 * `/openconfigsvr/getappinfo`, not `/v4/openconfigsvr/getappinfo`) with the RestContext as its
 * options. It inherits the envelope error handler and the raw-body parser, and declares its
 * authentication: `preHandler: requireUserSig(ctx)` (then `callerOf(request)` gives the caller)
 * or `config: { auth: 'none' }`; the plugin refuses a route that declares neither.
 * Throw ApiError for business failures.
 */
export type RestRoute = FastifyPluginAsync<RestContext>;

/** Every /v4 route. Adding one: a file in this folder plus one line here. */
export const REST_ROUTES: readonly RestRoute[] = [getAppInfoRoute, getStatsRoute, ingestRoute, tencentCallbackRoute, openImWebhookRoute, appsRoute];
