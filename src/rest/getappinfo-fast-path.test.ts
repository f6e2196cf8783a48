// The getappinfo fast path (rest/getappinfo-fast-path.ts) over real sockets: every request gets
// byte for byte the answer Fastify alone gives (a second server on the same database with the
// fast path off), whether the fast path answered it or handed it over; and the limits and the
// brake count the same calls.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp, fastPathAnswers, type AppConfig } from '../server/build-app.js';
import { addDays } from '../time/calendar-day.js';
import { GETAPPINFO, openRestHarness, SDKAPPID, TODAY, type RestHarness } from '../../test/support/rest-test-harness.js';

/** One raw HTTP/1.1 exchange on a new connection: the whole answer's bytes (head and Content-Length body). */
function exchange(port: number, request: string | Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let got = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      const end = got.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = /\r\ncontent-length: (\d+)/i.exec(got.subarray(0, end).toString('latin1'));
      if (length && got.length >= end + 4 + Number(length[1])) {
        socket.destroy();
        resolve(got);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(got));
  });
}

/** The answer with its Date header blanked (the only part that may differ between two servers). */
const comparable = (raw: Buffer) => raw.toString('latin1').replace(/\r\nDate: [^\r]*/, '\r\nDate: -');

const head = (method: string, target: string, headers: Record<string, string>, body = '') =>
  `${method} ${target} HTTP/1.1\r\nHost: imstats.test\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}${body.length > 0 && !('Transfer-Encoding' in headers) ? `Content-Length: ${Buffer.byteLength(body)}\r\n` : ''}\r\n${body}`;

const portOf = (app: FastifyInstance) => (app.server.address() as AddressInfo).port;

describe('getappinfo fast path (real sockets)', () => {
  let h: RestHarness;
  let plain: FastifyInstance;
  const config: Partial<AppConfig> = { answerCacheTtlMs: 60_000, rateLimit: 1_000_000 };
  before(async () => {
    h = await openRestHarness('sqlite', config);
    await h.seedDay(addDays(TODAY, -1), { LoginTimes: 11, UpMsgNum: 3, C2CUpMsgNum: 3, RegistUserNumTotal: 4 });
    // The same database and clock, every request through Fastify.
    plain = buildApp({ store: h.store, nowMs: h.clock, ...config, fastPath: false });
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    await plain.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await plain.close();
    await h.close();
  });

  const sig = () => h.sign();
  const q = (extra = '', s = sig()) => `sdkappid=${SDKAPPID}&identifier=administrator&usersig=${s}&random=12345678&contenttype=json${extra}`;

  // [what, request, answered by the fast path]
  const cases = (): [string, string, boolean][] => {
    const s = sig();
    return [
      ['body {}', head('POST', `${GETAPPINFO}?${q('', s)}`, { 'Content-Type': 'application/json' }, '{}'), true],
      ['no body, no Content-Type', head('POST', `${GETAPPINFO}?${q('', s)}`, {}), true],
      ['Content-Length: 0', head('POST', `${GETAPPINFO}?${q('', s)}`, { 'Content-Length': '0' }), true],
      ['pretty {} with CRLF, charset', head('POST', `${GETAPPINFO}?${q('', s)}`, { 'Content-Type': 'application/json; charset=utf-8' }, '{\r\n\r\n}'), true],
      ['[] as text/plain', head('POST', `${GETAPPINFO}?${q('', s)}`, { 'Content-Type': 'text/plain' }, '[]'), true],
      ['null, form-urlencoded', head('POST', `${GETAPPINFO}?${q('', s)}`, { 'Content-Type': 'application/x-www-form-urlencoded' }, 'null'), true],
      ['RequestField subset', head('POST', `${GETAPPINFO}?${q('', s)}`, {}, '{"RequestField":["LoginTimes","UpMsgNum","LoginTimes"]}'), true],
      ['userSig casing, extra params', head('POST', `${GETAPPINFO}?sdkappid=${SDKAPPID}&identifier=administrator&userSig=${s}&apn=1&ver=v4`, {}, '{}'), true],
      ['repeated sdkappid (the first counts)', head('POST', `${GETAPPINFO}?${q(`&sdkappid=1`, s)}`, {}, '{}'), true],
      ['no query parameter after ?', head('POST', `${GETAPPINFO}?`, {}, '{}'), false],
      ['invalid JSON', head('POST', `${GETAPPINFO}?${q('', s)}`, {}, '{"RequestField":'), false],
      ['unknown field', head('POST', `${GETAPPINFO}?${q('', s)}`, {}, '{"RequestField":["Nope"]}'), false],
      ['StartDate…EndDate', head('POST', `${GETAPPINFO}?${q('', s)}`, {}, `{"StartDate":"${addDays(TODAY, -3)}","EndDate":"${TODAY}"}`), false],
      ['bad UserSig', head('POST', `${GETAPPINFO}?${q('', `${s.slice(0, -4)}AAAA`)}`, {}, '{}'), false],
      ['no identifier', head('POST', `${GETAPPINFO}?sdkappid=${SDKAPPID}&usersig=${s}`, {}, '{}'), false],
      ['not an admin', head('POST', `${GETAPPINFO}?sdkappid=${SDKAPPID}&identifier=someone&usersig=${h.sign({ identifier: 'someone' })}`, {}, '{}'), false],
      ['unknown app', head('POST', `${GETAPPINFO}?sdkappid=${SDKAPPID + 1}&identifier=administrator&usersig=${s}`, {}, '{}'), false],
      ['no sdkappid', head('POST', `${GETAPPINFO}?identifier=administrator&usersig=${s}`, {}, '{}'), false],
      ['gzip asked', head('POST', `${GETAPPINFO}?${q('', s)}`, { 'Accept-Encoding': 'gzip' }, '{}'), false],
      ['chunked body', head('POST', `${GETAPPINFO}?${q('', s)}`, { 'Transfer-Encoding': 'chunked' }, '2\r\n{}\r\n0\r\n\r\n'), false],
      ['console token', head('POST', `${GETAPPINFO}?${q('', s)}`, { Authorization: 'Bearer nope' }, '{}'), false],
      ['duplicate slashes', head('POST', `/${GETAPPINFO}?${q('', s)}`, {}, '{}'), false],
      ['trailing slash', head('POST', `${GETAPPINFO}/?${q('', s)}`, {}, '{}'), false],
      ['GET', head('GET', `${GETAPPINFO}?${q('', s)}`, {}), false],
      ['body over the limit', head('POST', `${GETAPPINFO}?${q('', s)}`, {}, `{"t":"${'x'.repeat(1024 * 1024)}"}`), false],
    ];
  };

  test('every request gets the bytes Fastify alone gives; cached successes are answered by the fast path', async () => {
    // Each server answers each question twice first, so its answer cache holds what it can (an answer is kept from the second time).
    for (let round = 0; round < 2; round++) {
      for (const [, request] of cases()) {
        await exchange(portOf(h.app), request);
        await exchange(portOf(plain), request);
      }
    }
    for (const [what, request, fast] of cases()) {
      const before = fastPathAnswers(h.app);
      const viaFastPath = await exchange(portOf(h.app), request);
      const viaFastify = await exchange(portOf(plain), request);
      assert.equal(comparable(viaFastPath), comparable(viaFastify), what);
      assert.equal(fastPathAnswers(h.app) - before, fast ? 1 : 0, `${what}: answered by the fast path`);
    }
    assert.equal(fastPathAnswers(plain), 0);
    // Several answers on one keep-alive connection, the fast path's and Fastify's in turn.
    const s = sig();
    const twice = await exchange(portOf(h.app), head('POST', `${GETAPPINFO}?${q('', s)}`, {}, '{}') + head('POST', `${GETAPPINFO}?${q('', s)}`, {}, '{"RequestField":'));
    assert.match(twice.toString('latin1'), /^HTTP\/1\.1 200 OK\r\n/);
  });
});

describe('getappinfo fast path: limits and brake count the same calls', () => {
  let h: RestHarness;
  before(async () => {
    h = await openRestHarness('sqlite', { answerCacheTtlMs: 60_000, rateLimit: 3, brakeThreshold: 2 });
    await h.seedDay(addDays(TODAY, -1), { LoginTimes: 11 });
    await h.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(() => h.close());

  const call = async (usersig: string, headers: Record<string, string> = {}) => {
    const raw = await exchange(portOf(h.app), head('POST', `${GETAPPINFO}?sdkappid=${SDKAPPID}&identifier=administrator&usersig=${usersig}`, headers, '{}'));
    const text = raw.toString('utf8');
    return (JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { ErrorCode: number }).ErrorCode;
  };

  test('the frequency limit counts fast-path and Fastify answers in one bucket; the brake still holds', async () => {
    const s = h.sign();
    // Fastify answers the first call (it fills the answer cache); the next two are the fast path's.
    assert.deepEqual([await call(s), await call(s), await call(s)], [0, 0, 0]);
    assert.equal(fastPathAnswers(h.app), 2);
    // Over the limit (3 per second on a clock that does not move): refused either way.
    assert.equal(await call(s), 60007);
    assert.equal(await call(s, { 'Accept-Encoding': 'gzip' }), 60007);
    assert.equal(fastPathAnswers(h.app), 2);

    h.clock.advance(2_000);
    // Three bad UserSigs (more than the threshold of 2) from this client brake it for this app…
    for (const key of ['not the key', 'nor this', 'nor that']) assert.equal(await call(h.sign({ key })), 70009);
    // …a new UserSig is refused, the one already verified still answers (from the fast path).
    assert.equal(await call(h.sign({ expire: 3600 })), 70050);
    assert.equal(await call(s), 0);
    assert.equal(fastPathAnswers(h.app), 3);
  });
});

describe('getappinfo fast path: answers checked against the data version', () => {
  let h: RestHarness;
  let plain: FastifyInstance;
  before(async () => {
    // TTL 0: every call checks the app's data version before a held answer is served.
    h = await openRestHarness('sqlite', { answerCacheTtlMs: 0 });
    await h.seedDay(addDays(TODAY, -1), { LoginTimes: 11 });
    plain = buildApp({ store: h.store, nowMs: h.clock, answerCacheTtlMs: 0, fastPath: false });
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    await plain.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await plain.close();
    await h.close();
  });

  test('an unchanged version serves the held answer from the fast path; new data is answered anew, as Fastify answers it', async () => {
    const s = h.sign();
    const request = head('POST', `${GETAPPINFO}?sdkappid=${SDKAPPID}&identifier=administrator&usersig=${s}`, {}, '{"RequestField":["LoginTimes"]}');
    const loginTimes = (raw: Buffer) => {
      const text = raw.toString('utf8');
      return (JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { Result: { LoginTimes: string }[] }).Result[0]!.LoginTimes;
    };
    // Fastify answers the first two (a subset not held); the second is kept.
    const first = await exchange(portOf(h.app), request);
    assert.equal(comparable(await exchange(portOf(h.app), request)), comparable(first));
    assert.equal(fastPathAnswers(h.app), 0);
    const second = await exchange(portOf(h.app), request);
    assert.equal(fastPathAnswers(h.app), 1);
    assert.equal(comparable(second), comparable(first));
    assert.equal(comparable(second), comparable(await exchange(portOf(plain), request)));
    assert.equal(loginTimes(second), '11');

    // New data bumps the version: the held answer no longer stands, Fastify computes the new one.
    await h.seedDay(addDays(TODAY, -2), { LoginTimes: 5 });
    await h.store.db.updateTable('stats').set({ LoginTimes: 12 }).where('bucket', '=', addDays(TODAY, -1)).execute();
    await h.store.db.updateTable('app_state').set((eb) => ({ version: eb('version', '+', 1) })).where('sdkappid', '=', SDKAPPID).execute();
    const third = await exchange(portOf(h.app), request);
    assert.equal(fastPathAnswers(h.app), 1);
    assert.equal(loginTimes(third), '12');
    assert.equal(comparable(third), comparable(await exchange(portOf(plain), request)));
    // The question was asked before: the new answer was kept at once.
    await exchange(portOf(h.app), request);
    assert.equal(fastPathAnswers(h.app), 2);
  });

  test('a full answer held for no version is made by the fast path, byte for byte as Fastify makes it, new data included', async () => {
    const full = head('POST', `${GETAPPINFO}?sdkappid=${SDKAPPID}&identifier=administrator&usersig=${h.sign()}`, {}, '{}');
    const upMsgNumOf = (raw: Buffer) => {
      const text = raw.toString('utf8');
      return (JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { Result: { Date: string; UpMsgNum: string }[] }).Result.find((d) => d.Date === addDays(TODAY, -3))!.UpMsgNum;
    };
    for (const [upMsgNum, c2c] of [[0, undefined], [7, 4]] as const) {
      // seedDay bumps the data version, as ingestion does.
      if (c2c !== undefined) await h.seedDay(addDays(TODAY, -3), { C2CUpMsgNum: c2c, GroupUpMsgNum: upMsgNum - c2c });
      const before = fastPathAnswers(h.app);
      const made = await exchange(portOf(h.app), full);
      assert.equal(fastPathAnswers(h.app) - before, 1, 'answered by the fast path');
      assert.equal(upMsgNumOf(made), String(upMsgNum));
      assert.equal(comparable(made), comparable(await exchange(portOf(plain), full)));
    }
  });
});
