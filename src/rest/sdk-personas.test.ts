import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import { COUNTED_FIELDS } from '../catalog/fields.js';
import { specFieldNamesInWireOrder } from '../../test/support/spec-fields.js';
import { addDays } from '../time/calendar-day.js';
import { testDatabaseKinds } from '../../test/support/test-databases.js';
import { GETAPPINFO, openRestHarness, SDKAPPID, TODAY, type RestHarness } from '../../test/support/rest-test-harness.js';

// One test per SDK surveyed in shared/spec/clients.md: the request it sends, and its own rule for
// accepting the answer. Bodies, query quirks and headers are those the SDK's source produces.

interface Answer {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly text: string;
}

function decoded(res: LightMyRequestResponse): Answer {
  const encoding = res.headers['content-encoding'];
  const raw = res.rawPayload;
  const text = encoding === 'gzip' ? gunzipSync(raw).toString() : encoding === 'deflate' ? inflateSync(raw).toString() : raw.toString();
  return { status: res.statusCode, contentType: res.headers['content-type'] as string | undefined, text };
}

/** Go/Rust: decoding into `map[string]string` fails on anything but a string. */
function everyResultValueIsAString(json: { Result?: unknown[] }): boolean {
  return Array.isArray(json.Result) && json.Result.every((day) => Object.values(day as object).every((v) => typeof v === 'string'));
}

/** Java/C#: counters parsed as long (`Long.parseLong("")` throws). */
function countersParseAsLong(json: { Result?: Record<string, string>[] }): boolean {
  return Array.isArray(json.Result) && json.Result.every((day) => COUNTED_FIELDS.every((f) => /^\d+$/.test(day[f] ?? '')));
}

function randomInt(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

for (const kind of testDatabaseKinds()) {
  describe(`SDK personas on ${kind}`, () => {
    let h: RestHarness;
    before(async () => {
      h = await openRestHarness(kind);
      await h.seedDay(addDays(TODAY, -1), { LoginTimes: 11, UpMsgNum: 3, C2CUpMsgNum: 3, RegistUserNumTotal: 4 });
    });
    after(() => h.close());

    /** The query string an SDK builds; `encode` is how it escapes the UserSig. */
    const query = (extra: string, encode: (s: string) => string = (s) => s, sig = h.sign()) =>
      `sdkappid=${SDKAPPID}&identifier=administrator&usersig=${encode(sig)}${extra}`;
    const post = async (rawQuery: string, body: string | undefined, headers: Record<string, string>, path = GETAPPINFO) =>
      decoded(await h.app.inject({ method: 'POST', url: `${path}?${rawQuery}`, headers, ...(body === undefined ? {} : { payload: body }) }));

    const assertFullAnswer = (json: { Result?: Record<string, string>[] }) => {
      assert.equal(json.Result!.length, 30);
      assert.deepEqual(Object.keys(json.Result![0]!), specFieldNamesInWireOrder());
      assert.equal(json.Result![0]!.LoginTimes, '11');
    };

    test('dobyte/tencent-im (Go): `{}`, random 0…2^31−1, usersig not percent-encoded; ErrorCode int 0, every value a string', async () => {
      const a = await post(query(`&random=${randomInt(0, 2 ** 31 - 1)}&contenttype=json`), '{}', { 'content-type': 'application/json' });
      const json = JSON.parse(a.text);
      assert.ok(Number.isInteger(json.ErrorCode) && json.ErrorCode === 0);
      assert.ok(everyResultValueIsAString(json));
      assertFullAnswer(json);
    });

    test('doocs/qcloud-im-server-sdk-java (OkHttp): `{}` and `{"RequestField":[]}`, Accept-Encoding gzip; a JSON answer, no 408/429/5xx', async () => {
      for (const body of ['{}', '{"RequestField":[]}']) {
        const a = await post(query(`&random=${randomInt(0, 2 ** 32 - 1)}&contenttype=json`), body, {
          'content-type': 'application/json; charset=utf-8',
          'accept-encoding': 'gzip',
          'user-agent': 'okhttp/4.12.0',
        });
        assert.ok(![408, 429].includes(a.status) && a.status < 500);
        assertFullAnswer(JSON.parse(a.text));
      }
    });

    test('TencentCloud/tencentcloud-im-sdk-java (generated): empty body with JSON Content-Type, negative random; 2xx, application/json, ErrorCode present', async () => {
      const a = await post(query(`&random=${-randomInt(1, 2 ** 31)}&contenttype=json`), '', { 'content-type': 'application/json' });
      assert.ok(a.status >= 200 && a.status < 300);
      assert.match(a.contentType!, /^application\/json/);
      const json = JSON.parse(a.text);
      assert.ok('ErrorCode' in json);
      assertFullAnswer(json);
    });

    test('notsyncing/qcloudim-sdk (Java): `{}`, Math.abs(nextInt()) random; HTTP exactly 200, counters parse as long', async () => {
      const a = await post(query(`&random=${randomInt(0, 2 ** 31 - 1)}&contenttype=json`), '{}', { 'content-type': 'application/json' });
      assert.equal(a.status, 200);
      const json = JSON.parse(a.text);
      assert.ok(countersParseAsLong(json));
      assertFullAnswer(json);
    });

    test('JimChenWYU/TimSDK (PHP): `{"RequestField":[]}` = all fields, ver/servicename/command extras, `*` as %2A, a UserSig reused for 180 days; 200', async () => {
      // Issued 179 days ago with the SDK's 180-day validity.
      h.clock.advance(-179 * 86_400_000);
      const oldSig = h.sign({ expire: 180 * 86_400 });
      h.clock.advance(179 * 86_400_000);
      const rawQuery = `ver=v4&servicename=openconfigsvr&command=getappinfo&${query(
        `&random=${randomInt(0, 4294967295)}&contenttype=json`,
        (s) => s.replaceAll('*', '%2A'),
        oldSig,
      )}`;
      const a = await post(rawQuery, '{"RequestField":[]}', { 'content-type': 'application/json' });
      assert.equal(a.status, 200);
      const json = JSON.parse(a.text);
      assert.equal(json.ErrorCode, 0, json.ErrorInfo);
      assertFullAnswer(json);
    });

    test('lishuncoder/easyTencentIm (PHP): `{"RequestField":[]}`, %2A; HTTP 200 and ErrorCode === 0 (integer)', async () => {
      const a = await post(query(`&random=${randomInt(0, 4294967295)}&contenttype=json`, (s) => s.replaceAll('*', '%2A')), '{"RequestField":[]}', {
        'content-type': 'application/json',
      });
      assert.equal(a.status, 200);
      assert.ok(/"ErrorCode":0[,}]/.test(a.text));
      assertFullAnswer(JSON.parse(a.text));
    });

    test('TestsLing/easy-im (PHP): `{}`, random 1…99999999; any answer', async () => {
      const a = await post(query(`&random=${randomInt(1, 99999999)}&contenttype=json`), '{}', { 'content-type': 'application/json' });
      assertFullAnswer(JSON.parse(a.text));
    });

    test('chinayin/qcloud-im-sdk-php: `{"t":<unix time>}` (unknown key), random 1…999999; ErrorCode === 0 (integer)', async () => {
      const a = await post(query(`&random=${randomInt(1, 999999)}&contenttype=json`), JSON.stringify({ t: Math.floor(h.clock() / 1000) }), {
        'content-type': 'application/json',
      });
      const json = JSON.parse(a.text);
      assert.ok(json.ErrorCode === 0);
      assertFullAnswer(json);
    });

    test('zishang520/tim (PHP): `[]`, browser-like Accept, `gzip, deflate`; ErrorCode 0 and ActionStatus "OK" in any case', async () => {
      const a = await post(query(`&random=${randomInt(0, 4294967295)}&contenttype=json`), '[]', {
        'content-type': 'application/json',
        accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
        'accept-encoding': 'gzip, deflate',
      });
      const json = JSON.parse(a.text);
      assert.ok(json.ErrorCode === 0 && String(json.ActionStatus).toUpperCase() === 'OK');
      assertFullAnswer(json);
    });

    test('qmister/easy-im (PHP): `[]`; any answer', async () => {
      const a = await post(query(`&random=${randomInt(0, 4294967295)}&contenttype=json`), '[]', { 'content-type': 'application/json' });
      assertFullAnswer(JSON.parse(a.text));
    });

    test('xudongyss/tencentcloud-im-sdk-php (generated): empty body, RFC 3986 encoding; HTTP 2xx', async () => {
      const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
      const a = await post(query(`&random=${randomInt(0, 4294967295)}&contenttype=json`, rfc3986), '', { 'content-type': 'application/json' });
      assert.ok(a.status >= 200 && a.status < 300);
      assertFullAnswer(JSON.parse(a.text));
    });

    test('tencent_im_rs (Rust): `{}`; ActionStatus absent or OK/FAIL, every value a string', async () => {
      const a = await post(query(`&random=${randomInt(0, 4294967295)}&contenttype=json`), '{}', { 'content-type': 'application/json' });
      const json = JSON.parse(a.text);
      assert.ok(json.ActionStatus === undefined || json.ActionStatus === 'OK' || json.ActionStatus === 'FAIL');
      assert.ok(everyResultValueIsAString(json));
      assertFullAnswer(json);
    });

    test('yangxuilyx/QCloudIM.AspNetCore (C#): pretty-printed `{}` with CRLF; ActionStatus == "OK", counters as long', async () => {
      const a = await post(query(`&random=${randomInt(0, 4294967295)}&contenttype=json`), '{\r\n\r\n}', {
        'content-type': 'application/json; charset=utf-8',
      });
      const json = JSON.parse(a.text);
      assert.equal(json.ActionStatus, 'OK');
      assert.ok(countersParseAsLong(json));
      assertFullAnswer(json);
    });

    test('tencentyun imsdk_restapi-nodejs-sdk (Node, 2016): no random, no Content-Type, chunked without Content-Length; JSON.parse succeeds', async () => {
      await h.app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = h.app.server.address() as AddressInfo;
      const text = await new Promise<string>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: `${GETAPPINFO}?${query('&contenttype=json')}` }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks).toString()));
        });
        req.on('error', reject);
        assert.equal(req.getHeader('content-type'), undefined);
        req.write('{"RequestField":');
        req.write('["LoginTimes"]}');
        req.end();
        assert.equal(req.getHeader('content-length'), undefined);
      });
      const json = JSON.parse(text);
      assert.equal(json.ErrorCode, 0, json.ErrorInfo);
      assert.deepEqual(json.Result[0], { Date: addDays(TODAY, -1), LoginTimes: '11' });
    });

    test('a TypeScript ImServerSDK (axios): caller object as JSON, random = Date.now() + 8 digits (~21 digits); ActionStatus === "OK"', async () => {
      const random = `${h.clock()}${String(randomInt(0, 99999999)).padStart(8, '0')}`;
      assert.equal(random.length, 21);
      const a = await post(query(`&random=${random}&contenttype=json`), JSON.stringify({ RequestField: ['UpMsgNum', 'C2CUpMsgNum'] }), {
        'content-type': 'application/json',
        accept: 'application/json, text/plain, */*',
        'user-agent': 'axios/1.7.2',
      });
      const json = JSON.parse(a.text);
      assert.ok(json.ActionStatus === 'OK');
      assert.deepEqual(json.Result[0], { C2CUpMsgNum: '3', Date: addDays(TODAY, -1), UpMsgNum: '3' });
    });

    test('hand-written callers: `userSig`, constant random=99999999, apn=1, curl -d (form-urlencoded), base URL with a trailing slash', async () => {
      const sig = h.sign();
      const rawQuery = `sdkappid=${SDKAPPID}&identifier=administrator&userSig=${sig}&random=99999999&apn=1&contenttype=json`;
      const a = await post(rawQuery, '{"RequestField":["LoginTimes"]}', { 'content-type': 'application/x-www-form-urlencoded' }, `/${GETAPPINFO}`);
      const json = JSON.parse(a.text);
      assert.equal(json.ErrorCode, 0, json.ErrorInfo);
      assert.equal(json.Result[0].LoginTimes, '11');
    });
  });
}
