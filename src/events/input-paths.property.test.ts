// Issue 10 (4–6): arbitrary JSON in every field of every input path — a canonical NDJSON line, an
// HTTP ingest body, each counted callback command — never gives 70500, never throws out of
// validation, and every rejection carries a reason. Values include huge and negative numbers
// (1e16 and beyond, where Date cannot format), fractions, NaN-like strings, wrong types, and
// nesting far deeper than JSON.stringify survives (written as raw JSON text).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CALLBACK_TRANSLATORS } from './adapters/tencent-callback/index.js';
import { EVENT_TYPES } from './event.js';
import { parseEventsBody, parseNdjsonLines } from './parse-ndjson.js';
import { validateEvent } from './validate-event.js';
import { NOW_MS, SDKAPPID, openRestHarness, type RestHarness } from '../../test/support/rest-test-harness.js';

const DEEP = 5000;
const FIELDS = ['type', 'time', 'sdkappid', 'user', 'platform', 'from', 'to', 'delivered', 'ok', 'group', 'chat', 'vendor', 'peer', 'owner', 'members', 'command', 'answered'];

/** Raw JSON text of an arbitrary value: huge, odd or deep ones favoured. */
const jsonText: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.constantFrom('1e16', '8.64e15', '-8.64e15', '9007199254740993', '1e308', '-1', '0.5', '1718000000123.7', '"NaN"', '"Infinity"', '"1e16"', '""', 'null', 'true', '[]', '{}'),
  fc.integer({ min: 1, max: DEEP }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.integer({ min: 1, max: DEEP }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
);

/** An object's raw JSON text with some of `keys` (and maybe a valid-looking value) set to arbitrary JSON. */
function objectText(keys: readonly string[], valid: Record<string, string>): fc.Arbitrary<string> {
  return fc
    .dictionary(fc.constantFrom(...keys), fc.option(jsonText, { nil: undefined }), { maxKeys: keys.length })
    .map((over) => {
      const parts = new Map(Object.entries(valid));
      for (const [k, v] of Object.entries(over)) if (v !== undefined) parts.set(k, v);
      return `{${[...parts].map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
    });
}

const canonicalLine = fc
  .constantFrom(...EVENT_TYPES)
  .chain((type) => objectText(FIELDS, { type: JSON.stringify(type), time: String(NOW_MS - 3_600_000), user: '"u1"', from: '"u1"', to: '"u2"', group: '"g1"', peer: '"u2"' }));

const ctx = { nowMs: NOW_MS, retentionDays: 35, defaultSdkappid: SDKAPPID };

test('canonical lines: validation never throws and every rejection has a reason', () => {
  fc.assert(
    fc.property(canonicalLine, (line) => {
      const parsed = parseNdjsonLines([line]);
      for (const r of parsed.rejections) assert.ok(r.reason.length > 0);
      for (const { value } of parsed.values) {
        const v = validateEvent(value, ctx);
        if (!v.ok) assert.ok(v.reason.length > 0, 'a rejection names its reason');
      }
    }),
    { numRuns: 300 },
  );
});

test('huge times and deep nesting cost one line each', () => {
  const line = (time: string) => `{"type":"user.login","time":${time},"user":"u1"}`;
  for (const t of ['1e16', '8.64e15', '8.640000000000001e15']) {
    const v = validateEvent(JSON.parse(line(t)), ctx);
    assert.equal(v.ok, false);
    assert.match((v as { reason: string }).reason, /future/);
  }
  const deep = `{"type":"user.login","time":${NOW_MS},"user":"u1","extra":${'['.repeat(4100)}${']'.repeat(4100)}}`;
  const v = validateEvent(JSON.parse(deep), ctx);
  assert.deepEqual(v, { ok: false, reason: 'nested deeper than 32 levels' });
  const body = parseEventsBody(`${deep}\n${line(String(NOW_MS))}`);
  assert.equal(body.values.length, 2);
});

const CALLBACK_FIELDS = [
  'CallbackCommand', 'From_Account', 'To_Account', 'MsgSeq', 'MsgRandom', 'MsgTime', 'MsgKey', 'SendMsgResult', 'GroupId', 'EventTime',
  'Owner_Account', 'Operator_Account', 'MemberList', 'NewMemberList', 'ExitMemberList', 'ExitType', 'PairList', 'Info', 'KickedDevice', 'Events', 'Type',
];

for (const kind of ['sqlite'] as const) {
  describe(`HTTP input paths under arbitrary JSON (${kind})`, () => {
    let h: RestHarness;
    before(async () => {
      h = await openRestHarness(kind);
    });
    after(() => h.close());

    test('POST /v4/imstats/ingest: never 70500; accepted + rejected = lines; every error has a reason', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(canonicalLine, { minLength: 1, maxLength: 5 }), async (lines) => {
          const res = await h.call({ path: '/v4/imstats/ingest', body: lines.join('\n') });
          const a = res.json() as { ErrorCode: number; ErrorInfo: string; Accepted: number; Rejected: number; Errors: { Reason: string }[] };
          assert.notEqual(a.ErrorCode, 70500, a.ErrorInfo);
          assert.equal(a.ErrorCode, 0, a.ErrorInfo);
          assert.equal(a.Accepted + a.Rejected, lines.length);
          for (const e of a.Errors) assert.ok(e.Reason.length > 0);
        }),
        { numRuns: 40 },
      );
    });

    for (const command of CALLBACK_TRANSLATORS.keys()) {
      test(`POST /v4/imstats/callback ${command}: never 70500; a refusal says why`, async () => {
        const pushEvents = fc.array(objectText(['PushStage', 'PushPlatform', 'ErrCode', 'EventTime', 'To_Account', 'EventType', 'GroupID'], {}), { maxLength: 3 }).map((es) => `[${es.join(',')}]`);
        const body = command === 'Push.OfflinePush'
          ? fc.tuple(pushEvents, objectText(CALLBACK_FIELDS, {})).map(([events, rest]) => `{"Events":${events},${rest.slice(1)}`.replace(',}', '}'))
          : objectText(CALLBACK_FIELDS, {});
        await fc.assert(
          fc.asyncProperty(body, async (payload) => {
            const res = await h.app.inject({
              method: 'POST',
              url: `/v4/imstats/callback?SdkAppid=${SDKAPPID}&CallbackCommand=${command}&contenttype=json&OptPlatform=iOS`,
              payload,
              headers: { 'content-type': 'application/json' },
            });
            const a = res.json() as { ErrorCode: number; ErrorInfo: string };
            assert.notEqual(a.ErrorCode, 70500, a.ErrorInfo);
            if (a.ErrorCode !== 0) assert.ok(a.ErrorInfo.length > 0);
          }),
          { numRuns: 25 },
        );
      });
    }
  });
}
