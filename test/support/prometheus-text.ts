// Tests only: reading Prometheus' text exposition format.
import assert from 'node:assert/strict';

/** Prometheus text format → series (name with labels as written) → value; fails on a malformed line. */
export function parseExposition(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})?) (-?[0-9.e+-]+|[nN][aA][nN]|[+-]?[iI][nN][fF])$/.exec(line);
    assert.ok(m, `not Prometheus text format: ${JSON.stringify(line)}`);
    series.set(m[1]!, sampleValue(m[2]!));
  }
  return series;
}

/**
 * A sample value as Prometheus reads it (Go's ParseFloat): NaN and Inf in any letter case, so
 * prom-client's "Nan" (an event-loop mean before its first sample) is a valid line.
 */
function sampleValue(text: string): number {
  const lower = text.toLowerCase();
  if (lower === 'nan') return Number.NaN;
  if (lower === 'inf' || lower === '+inf') return Number.POSITIVE_INFINITY;
  if (lower === '-inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}
