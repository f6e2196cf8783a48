// wrk's Lua script (wrk-script.ts) against a tiny server that knows what it sent: complete,
// short and non-2xx answers are told apart, and paths are sent in turn from the given one.
// Skipped where wrk is not installed. No timing is asserted: only counts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findWrk, runWrk } from './wrk-load.js';
import { wrkScript } from './wrk-script.js';

const FULL = Buffer.alloc(1000, 'x');
const CONNECTIONS = 2;

test('the fixed-path script builds its request once; the rotating one has request()', () => {
  assert.doesNotMatch(wrkScript(false), /function request\(\)/);
  assert.match(wrkScript(true), /function request\(\)/);
  for (const rotating of [false, true]) assert.match(wrkScript(rotating), /function response\(status, headers, body\)/);
});

test('a request body that is not printable ASCII is refused, not written into the script', () => {
  assert.throws(() => wrkScript(false, true, { body: '{"Name":"日本"}' }), /not printable ASCII/);
  assert.throws(() => wrkScript(false, true, { body: '{}', headers: { 'X-A': 'a\nb' } }), /not printable ASCII/);
});

test('wrk counts complete, short and non-2xx answers apart and sends the paths in turn', { skip: findWrk() === undefined ? 'wrk is not installed' : false }, async () => {
  const sent = { full: 0, short: 0, error: 0 };
  const hits = new Map<string, number>();
  let bodies = 0;
  const asked: Array<{ body: string; encoding: string | undefined; type: string | undefined }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.method === 'POST' && body === '{}') bodies++;
      if (req.url === '/asked') asked.push({ body, encoding: req.headers['accept-encoding'], type: req.headers['content-type'] });
      hits.set(req.url!, (hits.get(req.url!) ?? 0) + 1);
      const kind = req.url!.includes('short') ? 'short' : req.url!.includes('error') ? 'error' : 'full';
      sent[kind]++;
      res.writeHead(kind === 'error' ? 500 : 200, { 'content-type': 'application/json' });
      res.end(kind === 'short' ? '{"ErrorCode":60007}' : FULL);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'imstats-wrk-test-'));
  try {
    const pathsFile = join(dir, 'paths');
    writeFileSync(pathsFile, '/a\n/short\n/error\n/b\n');
    let started = false;
    const r = await runWrk({ url, path: '', script: { minBodyBytes: FULL.length / 2, pathsFile, firstPath: 1 }, seconds: 1, connections: CONNECTIONS, workDir: dir, onStart: () => (started = true) });
    assert.ok(started);
    assert.equal(r.distinct, 4);
    // Answers still in flight when wrk stops were sent but not counted: at most one per connection.
    const counted = r.responses - r.short - r.non2xx;
    for (const [got, made] of [[counted, sent.full], [r.short, sent.short], [r.non2xx, sent.error]] as const) {
      assert.ok(got <= made && got >= made - CONNECTIONS, `counted ${got} of ${made} sent`);
    }
    assert.ok(r.short > 0 && r.non2xx > 0 && counted > 0);
    // Every request was POST {} to the paths in turn, starting with the second (firstPath 1).
    assert.equal(bodies, sent.full + sent.short + sent.error);
    assert.ok(r.sent >= r.responses);
    const order = ['/short', '/error', '/b', '/a'];
    const expected = (i: number) => Math.floor(r.sent / 4) + (i < r.sent % 4 ? 1 : 0);
    for (const [i, path] of order.entries()) assert.ok(Math.abs((hits.get(path) ?? 0) - expected(i)) <= CONNECTIONS, `${path}: ${hits.get(path)} hits of ${r.sent} sent`);

    const fixed = await runWrk({ url, path: '/short', script: { minBodyBytes: FULL.length / 2 }, seconds: 1, connections: CONNECTIONS, workDir: dir });
    assert.equal(fixed.responses, fixed.short);
    assert.equal(fixed.sent, 0);
    // Without the response() hook only wrk's own counts remain: status errors and bytes.
    const errors = await runWrk({ url, path: '/error', script: { minBodyBytes: FULL.length / 2 }, countEach: false, seconds: 1, connections: CONNECTIONS, workDir: dir });
    assert.ok(errors.responses > 0);
    assert.deepEqual([errors.statusErrors, errors.short, errors.non2xx], [errors.responses, 0, 0]);
    const full = await runWrk({ url, path: '/a', script: { minBodyBytes: FULL.length / 2 }, countEach: false, seconds: 1, connections: CONNECTIONS, workDir: dir });
    assert.ok(full.bytes >= full.responses * FULL.length);
    assert.equal(full.statusErrors, 0);
    // A run's own body and headers (getstats latency: a getstats body, asking for gzip).
    const body = '{"Grain":"hour","By":"platform","Fields":["Say \\"hi\\""]}';
    const one = await runWrk({ url, path: '/asked', script: { minBodyBytes: 1 }, request: { body, headers: { 'Accept-Encoding': 'gzip, deflate' } }, seconds: 1, connections: 1, workDir: dir });
    assert.ok(one.responses > 0 && asked.length >= one.responses);
    assert.deepEqual(new Set(asked.map((a) => JSON.stringify(a))), new Set([JSON.stringify({ body, encoding: 'gzip, deflate', type: 'application/json' })]));
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
