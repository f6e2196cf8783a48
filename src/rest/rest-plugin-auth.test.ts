import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { requireUserSig } from './authenticate.js';
import type { RestContext } from './rest-context.js';
import { restPlugin } from './rest-plugin.js';
import type { RestRoute } from './routes/index.js';

// The routes below are never called, so the context behind them is never read.
const ctx = {} as RestContext;

async function readyWith(route: RestRoute): Promise<void> {
  const app = Fastify();
  await app.register(restPlugin, { context: ctx, routes: [route], prefix: '/v4' });
  try {
    await app.ready();
  } finally {
    await app.close();
  }
}

test('a /v4 route that declares no authentication is refused at start-up, naming it', async () => {
  await assert.rejects(
    readyWith(async (f) => void f.post('/imstats/open', async () => ({}))),
    /\/v4 route POST \/v4\/imstats\/open declares no authentication/,
  );
});

test('a route declaring requireUserSig, or auth none, is accepted', async () => {
  await readyWith(async (f, c) => void f.post('/imstats/signed', { preHandler: requireUserSig(c) }, async () => ({})));
  await readyWith(async (f, c) => void f.post('/imstats/signed-too', { preHandler: [async () => {}, requireUserSig(c)] }, async () => ({})));
  await readyWith(async (f) => void f.post('/imstats/self', { config: { auth: 'none' } }, async () => ({})));
});

test('a look-alike pre-handler is not authentication', async () => {
  await assert.rejects(readyWith(async (f) => void f.post('/imstats/fake', { preHandler: async () => {} }, async () => ({}))), /declares no authentication/);
});
