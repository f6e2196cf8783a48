import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { declaresAuth } from './authenticate.js';
import { ApiError } from './error-codes.js';
import { errorResponse } from './error-response.js';
import { ENVELOPE_CONTENT_TYPE, failureEnvelope } from './envelope.js';
import { replayPreReadBody } from './pre-read-body.js';
import { rawBodyParser, releaseBodyBudget, type RawBodyParserOptions } from './raw-body.js';
import type { RestContext } from './rest-context.js';
import { REST_ROUTES, type RestRoute } from './routes/index.js';
import { pathOf } from '../server/root-handlers.js';
import { refuseTokenWhereNotAccepted } from '../tokens/authenticate-token.js';

export interface RestPluginOptions {
  readonly context: RestContext;
  readonly body?: RawBodyParserOptions;
  /** The routes to serve; default REST_ROUTES (all of them). */
  readonly routes?: readonly RestRoute[];
}

/**
 * Tencent's REST surface: register with `{ prefix: '/v4' }`. Encapsulated, so its error and
 * not-found handlers (Tencent's envelope, HTTP 200) and its catch-all body parser stay out of
 * plain HTTP routes such as /healthz. Routes come from routes/index.ts and get the RestContext;
 * each declares its authentication (requireUserSig or `auth: 'none'`).
 */
export async function restPlugin(fastify: FastifyInstance, options: RestPluginOptions): Promise<void> {
  const { context: ctx, body } = options;

  // The body is JSON whatever the Content-Type says; with the header gone every request reaches
  // the catch-all parser (Fastify would refuse a malformed type such as `json` with 415).
  // Callback-style hooks throughout: an async hook costs a promise and a microtask per call.
  fastify.addHook('onRequest', (request, _reply, done) => {
    delete request.raw.headers['content-type'];
    done();
  });
  // A body the getappinfo fast path read before handing the call over is parsed from its bytes.
  fastify.addHook('preParsing', replayPreReadBody);
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', rawBodyParser(body));

  fastify.decorateRequest('imstatsCaller', null);
  // Runs before every route's own pre-handlers, auth: 'none' routes (callbacks) included.
  fastify.addHook('preHandler', refuseTokenWhereNotAccepted);
  // Each route says how it is authenticated (see declaresAuth); this only refuses one that does not.
  fastify.addHook('onRoute', (route) => {
    if (!declaresAuth(route)) {
      throw new Error(`/v4 route ${route.method} ${route.url} declares no authentication: add preHandler: requireUserSig(ctx), or config: { auth: 'none' } if it checks callers itself`);
    }
  });

  // Fastify appends `; charset=utf-8` to JSON it serializes; Tencent answers plain `application/json`.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    reply.header('content-type', ENVELOPE_CONTENT_TYPE);
    // Failures set their code on the way out (sendFailure); anything else a route answers is OK/0.
    request.imstatsErrorCode ??= 0;
    done(null, payload);
  });
  // A body held in a route's BodyBudget is given back once its request is over, however it ended.
  fastify.addHook('onResponse', (request, _reply, done) => {
    releaseBodyBudget(request);
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    releaseBodyBudget(request);
    done();
  });

  fastify.setErrorHandler((err: FastifyError, request, reply) => {
    const response = errorResponse(err);
    if (response.log === 'error') request.log.error({ err }, 'v4 call failed');
    sendFailure(request, reply, response.code, response.info);
  });

  fastify.setNotFoundHandler((request, reply) => {
    const err =
      request.method !== 'POST'
        ? new ApiError('BAD_HTTP', `method ${request.method} is not allowed; use POST`)
        : new ApiError('UNKNOWN_COMMAND', pathOf(request.url));
    sendFailure(request, reply, err.code, err.message);
  });

  for (const route of options.routes ?? REST_ROUTES) await fastify.register(route, ctx);
}

function sendFailure(request: FastifyRequest, reply: FastifyReply, code: number, info: string): void {
  request.imstatsErrorCode = code;
  reply.code(200).send(failureEnvelope(code, info));
}
