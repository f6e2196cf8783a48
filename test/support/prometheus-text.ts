// Tests only: reading Prometheus' text exposition format.
import assert from 'node:assert/strict';

/** Prometheus text format → series (name with labels as written) → value; fails on a malformed line. */
export function parseExposition(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})?) (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    assert.ok(m, `not Prometheus text format: ${JSON.stringify(line)}`);
    series.set(m[1]!, Number(m[2]));
  }
  return series;
}
