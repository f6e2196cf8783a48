// A server in its own process for the getappinfo load runs; prints `listening URL` when ready and
// exits cleanly on SIGTERM (so `node --cpu-prof` can write its profile).
//   node server-child.js imstats DB_URL RATE_LIMIT   the real app (buildApp + listen)
//   node server-child.js plain BODY_FILE CONTENT_TYPE the runtime's limit: the same bytes from memory
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../src/server/build-app.js';
import { listen } from '../src/server/listen.js';
import { openStore } from '../src/store/store.js';

const [mode, a, b] = process.argv.slice(2);
let close: () => Promise<void>;

if (mode === 'imstats') {
  const store = await openStore(a!, { migrate: false });
  // Tencent's 200 calls/s per app would turn most of the load into 60007 answers.
  const app = buildApp({ store, rateLimit: Number(b) });
  const url = await listen(app, { host: '127.0.0.1', port: 0 });
  close = async () => {
    await app.close();
    await store.close();
  };
  process.stdout.write(`listening ${url}\n`);
} else if (mode === 'plain') {
  const body = readFileSync(a!);
  const headers = { 'content-type': b!, 'content-length': String(body.length) };
  const server = createServer((req, res) => {
    // Read the request body as the real server must before answering.
    req.on('data', () => {});
    req.on('end', () => {
      res.writeHead(200, headers);
      res.end(body);
    });
  });
  server.keepAliveTimeout = 72_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  close = () => new Promise((resolve) => server.close(() => resolve()));
  process.stdout.write(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
} else {
  throw new Error(`usage: server-child.js imstats DB_URL RATE_LIMIT | plain BODY_FILE CONTENT_TYPE`);
}

process.once('SIGTERM', () => {
  const force = setTimeout(() => process.exit(0), 2000);
  force.unref();
  void close().finally(() => process.exit(0));
});
