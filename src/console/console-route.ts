import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { consoleFieldsDocument } from './field-groups.js';

/** The console's static files: `console/` at the package root (three levels above dist/src/console/). */
export const CONSOLE_DIR = fileURLToPath(new URL('../../../console/', import.meta.url));
/** uPlot's files as installed with the package (served, never fetched from a CDN). */
const UPLOT_DIR = dirname(createRequire(import.meta.url).resolve('uplot'));
const UPLOT_FILES = new Set(['/uPlot.iife.min.js', '/uPlot.min.css']);

/**
 * Nothing on the page may come from elsewhere or be framed: the token lives in this page's
 * sessionStorage, so scripts are only the console's own files.
 */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * `/console/`: the statistics console (shared/spec/console.md). Plain static files (HTML, CSS,
 * ES modules; no build step), uPlot from node_modules, and `/console/fields.json` with the field
 * groups and descriptions from the catalog. Every number on the page comes from the /v4 API with
 * the token the user signs in with.
 */
export async function consoleRoute(fastify: FastifyInstance): Promise<void> {
  fastify.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-cache');
    return payload;
  });
  fastify.get('/console', (_request, reply) => reply.redirect('/console/', 301));
  fastify.get('/console/fields.json', async () => consoleFieldsDocument());
  await fastify.register(fastifyStatic, { root: CONSOLE_DIR, prefix: '/console/', index: 'index.html', cacheControl: false });
  await fastify.register(fastifyStatic, {
    root: UPLOT_DIR,
    prefix: '/console/vendor/',
    decorateReply: false,
    cacheControl: false,
    allowedPath: (pathName) => UPLOT_FILES.has(pathName),
  });
}
