import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ENVELOPE_CONTENT_TYPE, failureEnvelope } from '../rest/envelope.js';
import { ERROR_CODES } from '../rest/error-codes.js';

/** The longest path quoted back in an ErrorInfo. */
const MAX_QUOTED_PATH = 200;

/**
 * Sends Tencent's failure envelope from outside the /v4 plugin, exactly as /v4 does: HTTP 200,
 * `Content-Type: application/json` (no charset: the payload is bytes, which Fastify leaves alone).
 */
export function sendRootFailure(request: FastifyRequest, reply: FastifyReply, code: number, info: string): void {
  request.imstatsErrorCode = code;
  void reply.code(200).header('content-type', ENVELOPE_CONTENT_TYPE).send(Buffer.from(JSON.stringify(failureEnvelope(code, info))));
}

/**
 * Any path no route serves (`/V4/…`, `POST /healthz`, `/favicon.ico`) gets the envelope like
 * /v4 does: 60002 for a method other than POST, 60009 for an unknown path. Only the path is
 * quoted, never the query string (it holds the UserSig).
 */
export function rootNotFound(request: FastifyRequest, reply: FastifyReply): void {
  if (request.method !== 'POST') {
    sendRootFailure(request, reply, ERROR_CODES.BAD_HTTP.code, `${ERROR_CODES.BAD_HTTP.info}: method ${request.method.slice(0, 20)} is not allowed here; use POST`);
    return;
  }
  sendRootFailure(request, reply, ERROR_CODES.UNKNOWN_COMMAND.code, `${ERROR_CODES.UNKNOWN_COMMAND.info}: ${pathOf(request.url)}`);
}

/**
 * Requests Fastify cannot route (a malformed URL such as `/v4/%`): under /v4, 60002 over HTTP
 * 200; elsewhere (/healthz) plain HTTP 400. Either way the problem is named without the URL,
 * whose query string holds the UserSig.
 */
export function frameworkError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const problem = err.code === 'FST_ERR_BAD_URL' ? 'the URL is not valid (bad percent-encoding)' : 'the request cannot be routed';
  if (!isV4Path(request.url)) {
    void reply.code(400).send({ statusCode: 400, code: err.code, error: 'Bad Request', message: problem });
    return;
  }
  sendRootFailure(request, reply, ERROR_CODES.BAD_HTTP.code, `${ERROR_CODES.BAD_HTTP.info}: ${problem}`);
}

function isV4Path(url: string): boolean {
  return /^\/+v4(?:[/?#]|$)/.test(url);
}

/** The path of a URL for an ErrorInfo: no query string, bounded, control characters dropped. */
export function pathOf(url: string): string {
  const path = url.split('?', 1)[0]!.split('#', 1)[0]!;
  // eslint-disable-next-line no-control-regex
  return JSON.stringify(path.slice(0, MAX_QUOTED_PATH).replace(/[\x00-\x1f\x7f]/g, ''));
}
