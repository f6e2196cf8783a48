import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GETAPPINFO, openRestHarness, type RestHarness } from '../../test/support/rest-test-harness.js';
import { listen } from './listen.js';

// What inject() cannot show: real sockets, address families, TLS, chunked bodies, keep-alive.

interface Fetched {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly reusedSocket: boolean;
}

interface FetchOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  readonly agent?: Agent;
  readonly ca?: Buffer;
}

function fetchRaw(url: string, options: FetchOptions = {}): Promise<Fetched> {
  const u = new URL(url);
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      {
        host: u.hostname.replace(/^\[|\]$/g, ''),
        port: u.port,
        path: `${u.pathname}${u.search}`,
        method: options.method ?? 'POST',
        headers: options.headers ?? {},
        ...(options.agent ? { agent: options.agent } : {}),
        ...(options.ca ? { ca: options.ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), reusedSocket: req.reusedSocket }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Sends bytes as they are and reads until the server closes the connection. */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString()));
    socket.on('error', reject);
  });
}

async function ipv6Available(): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(0, '::1', () => probe.close(() => resolve(true)));
  });
}

const code = (f: Fetched) => JSON.parse(f.body.toString()).ErrorCode as number;

describe('serving over real sockets', () => {
  let h: RestHarness;
  let base: string;
  let query: () => string;
  before(async () => {
    h = await openRestHarness('sqlite');
    base = await listen(h.app, { host: '127.0.0.1', port: 0 });
    query = () => new URLSearchParams(h.defaultQuery()).toString();
  });
  after(() => h.close());

  test('IPv4: listen() on 127.0.0.1 resolves with its URL and answers there', async () => {
    assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetchRaw(`${base}${GETAPPINFO}?${query()}`, { body: '{}' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(code(res), 0);
  });

  test('a chunked body without Content-Length and without Content-Type, byte for byte', async () => {
    const port = new URL(base).port;
    const body = '{"RequestField":["LoginTimes"]}';
    const chunked = `${(10).toString(16)}\r\n${body.slice(0, 10)}\r\n${(body.length - 10).toString(16)}\r\n${body.slice(10)}\r\n0\r\n\r\n`;
    const answer = await rawExchange(
      Number(port),
      `POST ${GETAPPINFO}?${query()} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunked}`,
    );
    assert.match(answer, /^HTTP\/1\.1 200 OK\r\n/);
    const json = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    assert.equal(json.ErrorCode, 0, json.ErrorInfo);
    assert.deepEqual(Object.keys(json.Result[0]), ['Date', 'LoginTimes']);
  });

  test('a 2 MiB body → 130001 on a keep-alive connection that then serves the next call', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const big = await fetchRaw(`${base}${GETAPPINFO}?${query()}`, {
        agent,
        headers: { 'content-type': 'application/json' },
        body: `{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`,
      });
      assert.equal(big.status, 200);
      assert.equal(code(big), 130001);
      assert.notEqual(big.headers.connection, 'close');
      const next = await fetchRaw(`${base}${GETAPPINFO}?${query()}`, { agent, body: '{}' });
      assert.equal(code(next), 0);
      assert.equal(next.reusedSocket, true);
    } finally {
      agent.destroy();
    }
  });

  test('gzip on the wire when Accept-Encoding asks', async () => {
    const res = await fetchRaw(`${base}${GETAPPINFO}?${query()}`, { body: '{}', headers: { 'accept-encoding': 'gzip' } });
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.equal(JSON.parse(gunzipSync(res.body).toString()).Result.length, 30);
  });

  test('an HTTP request Node cannot parse → 60002 envelope over HTTP 200, then the connection closes', async () => {
    const answer = await rawExchange(Number(new URL(base).port), 'THIS IS NOT HTTP\r\n\r\n');
    assert.match(answer, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(answer, /Content-Type: application\/json\r\n/);
    assert.equal(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).ErrorCode, 60002);
  });

  test('GET /healthz over the socket is plain HTTP', async () => {
    const res = await fetchRaw(`${base}/healthz`, { method: 'GET' });
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body.toString()), { status: 'ok' });
  });
});

describe('address families', () => {
  test('IPv6: listen() on ::1 answers there', async (t) => {
    if (!(await ipv6Available())) return t.skip('no IPv6 loopback on this host');
    const h = await openRestHarness('sqlite');
    t.after(() => h.close());
    const url = await listen(h.app, { host: '::1', port: 0 });
    assert.match(url, /^http:\/\/\[::1\]:\d+$/);
    const res = await fetchRaw(`${url}${GETAPPINFO}?${new URLSearchParams(h.defaultQuery())}`, { body: '{}' });
    assert.equal(code(res), 0);
  });

  test('the default address (`::`, or 0.0.0.0 without IPv6) takes IPv4 connections, as IPv4-only PHP clients need', async (t) => {
    const h = await openRestHarness('sqlite');
    t.after(() => h.close());
    const url = await listen(h.app, { port: 0 });
    const port = new URL(url).port;
    const res = await fetchRaw(`http://127.0.0.1:${port}${GETAPPINFO}?${new URLSearchParams(h.defaultQuery())}`, { body: '{}' });
    assert.equal(code(res), 0);
  });
});

describe('HTTPS', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'imstats-tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('built with a certificate and key, the app serves https:// (for SDKs whose scheme is fixed)', async (t) => {
    const h = await openRestHarness('sqlite', { tls: { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') } });
    t.after(() => h.close());
    const url = await listen(h.app, { host: '127.0.0.1', port: 0 });
    assert.match(url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(join(dir, 'cert.pem'));
    const res = await fetchRaw(`${url}${GETAPPINFO}?${new URLSearchParams(h.defaultQuery())}`, {
      ca,
      body: '{}',
      headers: { 'accept-encoding': 'gzip' },
    });
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(gunzipSync(res.body).toString()).ErrorCode, 0);
    await assert.rejects(fetchRaw(`${url.replace('https:', 'http:')}/healthz`, { method: 'GET' }));
  });
});
