import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { preParsingHookHandler } from 'fastify';

const PRE_READ = Symbol('imstats.preReadBody');

type WithPreRead = IncomingMessage & { [PRE_READ]?: Buffer };

/**
 * Keeps a request body that was read before Fastify saw the request (the getappinfo fast path
 * reads it, then hands the call to Fastify when it cannot answer it itself): Fastify's body parser
 * gets these bytes again through replayPreReadBody.
 */
export function setPreReadBody(req: IncomingMessage, body: Buffer): void {
  (req as WithPreRead)[PRE_READ] = body;
}

/**
 * A /v4 preParsing hook: a request whose body was already read (setPreReadBody) is parsed from
 * those bytes, the same chunks the socket gave, instead of the spent request stream.
 */
export const replayPreReadBody: preParsingHookHandler = (request, _reply, payload, done) => {
  const body = (request.raw as WithPreRead)[PRE_READ];
  if (body === undefined) return done(null, payload);
  done(null, Readable.from([body], { objectMode: false }));
};
