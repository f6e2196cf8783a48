// The test-side Prometheus parser reads what a Prometheus server reads, no more and no less.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExposition } from './prometheus-text.js';

test('parseExposition: NaN and Inf in any letter case (prom-client writes "Nan"), labels kept as written', () => {
  const series = parseExposition(
    [
      '# HELP lag mean lag',
      '# TYPE lag gauge',
      'nodejs_eventloop_lag_mean_seconds Nan',
      'a_seconds_bucket{le="+Inf"} +Inf',
      'b -Inf',
      'c 1.5e-3',
      '',
    ].join('\n'),
  );
  assert.ok(Number.isNaN(series.get('nodejs_eventloop_lag_mean_seconds')));
  assert.equal(series.get('a_seconds_bucket{le="+Inf"}'), Number.POSITIVE_INFINITY);
  assert.equal(series.get('b'), Number.NEGATIVE_INFINITY);
  assert.equal(series.get('c'), 0.0015);
});

test('parseExposition: a line that is not a sample fails', () => {
  for (const line of ['no_value', 'x NotANumber', 'x{le=+Inf} 1', '1x 2']) {
    assert.throws(() => parseExposition(line), /not Prometheus text format/, line);
  }
});
