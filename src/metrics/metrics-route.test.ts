import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GETAPPINFO, openRestHarness, SDKAPPID, type CallOptions, type RestHarness } from '../../test/support/rest-test-harness.js';
import { parseExposition } from '../../test/support/prometheus-text.js';
import { testDatabaseKinds } from '../../test/support/test-databases.js';

const YESTERDAY_10AM = Date.parse('2024-06-14T10:00:00+08:00');
const TODAY_11AM = Date.parse('2024-06-15T11:00:00+08:00');

for (const kind of testDatabaseKinds()) {
  describe(`GET /metrics on ${kind}`, () => {
    let h: RestHarness;
    before(async () => {
      h = await openRestHarness(kind, { metrics: { apps: 5, redis: { state: 'up', fallbackCalls: 7, failedCommands: { timeouts: 1, errors: 2 } } } });
    });
    after(() => h.close());

    const scrape = async () => {
      const res = await h.call({ method: 'GET', path: '/metrics', rawQuery: '' });
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /^text\/plain; version=0\.0\.4/);
      return parseExposition(res.body);
    };

    test('names the series of the issue, with values that follow the calls made', async () => {
      await h.call({ body: '{}' });
      await h.call({ query: { ...h.defaultQuery(), usersig: 'bad' }, body: '{}' });
      const lines = [
        JSON.stringify({ type: 'user.login', time: YESTERDAY_10AM, user: 'alice' }),
        JSON.stringify({ type: 'user.login', time: TODAY_11AM, user: 'bob' }),
        '{"type":"msg.c2c",',
      ].join('\n');
      for (let i = 0; i < 2; i++) {
        const ingest = await h.call({ path: '/v4/imstats/ingest', body: lines, headers: { 'idempotency-key': 'metrics-1' } });
        assert.equal(ingest.json().ErrorCode, 0, ingest.body);
      }
      const m = await scrape();
      assert.equal(m.get(`imstats_http_requests_total{route="${GETAPPINFO}",error_code="0"}`), 1);
      assert.equal(m.get(`imstats_http_requests_total{route="${GETAPPINFO}",error_code="70003"}`), 1, 'the undecodable UserSig, by its ErrorCode');
      assert.equal(m.get(`imstats_http_request_duration_seconds_count{route="${GETAPPINFO}"}`), 2);
      assert.ok(m.has(`imstats_http_request_duration_seconds_bucket{le="0.05",route="${GETAPPINFO}"}`));
      assert.equal(m.get('imstats_events_total{outcome="accepted"}'), 2);
      assert.equal(m.get('imstats_events_total{outcome="rejected"}'), 2, 'the bad line, in both deliveries');
      assert.equal(m.get('imstats_events_total{outcome="duplicate"}'), 2, 'the second delivery of the same batch id');
      assert.equal(m.get('imstats_batches_applied_total'), 1);
      assert.equal(m.get('imstats_batch_commit_seconds_count'), 1);
      assert.equal(m.get('imstats_callback_inbox_depth'), 0);
      assert.equal(m.get('imstats_redis_configured'), 1);
      assert.equal(m.get('imstats_redis_up'), 1);
      assert.equal(m.get('imstats_redis_fallback_decisions_total'), 7);
      assert.equal(m.get('imstats_redis_failed_commands_total{kind="timeout"}'), 1);
      assert.equal(m.get(`imstats_app_today{sdkappid="${SDKAPPID}",field="LoginTimes"}`), 1, "today's login (bob), not yesterday's");
      assert.ok(m.has('process_cpu_seconds_total') && m.has('nodejs_eventloop_lag_seconds'));
      if (kind === 'sqlite') assert.ok(![...m.keys()].some((k) => k.startsWith('imstats_db_pool_connections')), 'SQLite has no pool');
      else {
        assert.equal(m.get('imstats_db_pool_connections{state="max"}'), 10);
        assert.ok(m.get('imstats_db_pool_connections{state="open"}')! >= 1);
      }
    });

    test('refused from an address not allowed and through a proxy, with the answer of any unknown GET path', async () => {
      const unknown = await h.call({ method: 'GET', path: '/nothing-here', rawQuery: '' });
      const refused: CallOptions[] = [{ remoteAddress: '203.0.113.7' }, { headers: { 'x-forwarded-for': '203.0.113.7' } }, { headers: { forwarded: 'for=203.0.113.7' } }];
      for (const options of refused) {
        const res = await h.call({ method: 'GET', path: '/metrics', rawQuery: '', ...options });
        assert.equal(res.statusCode, unknown.statusCode);
        assert.equal(res.json().ErrorCode, unknown.json().ErrorCode);
        assert.doesNotMatch(res.body, /imstats_/);
      }
    });
  });
}

describe('GET /metrics without metrics configured', () => {
  test('is just an unknown path', async () => {
    const h = await openRestHarness('sqlite');
    try {
      const res = await h.call({ method: 'GET', path: '/metrics', rawQuery: '' });
      assert.equal(res.json().ErrorCode, 60002);
    } finally {
      await h.close();
    }
  });
});
