import type { Rejection } from './event.js';

/** A decoded input value with its 1-based line (or array position). */
export interface NumberedValue {
  readonly line: number;
  readonly value: unknown;
}

export interface ParsedLines {
  readonly values: NumberedValue[];
  readonly rejections: Rejection[];
}

/** Decodes NDJSON lines; blank lines are skipped, broken JSON is rejected with its line. */
export function parseNdjsonLines(lines: readonly string[], firstLine = 1): ParsedLines {
  const values: NumberedValue[] = [];
  const rejections: Rejection[] = [];
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    if (text.trim() === '') continue;
    try {
      values.push({ line: firstLine + i, value: JSON.parse(text) });
    } catch (err) {
      rejections.push({ line: firstLine + i, reason: `invalid JSON: ${(err as Error).message}` });
    }
  }
  return { values, rejections };
}

/**
 * Decodes an HTTP ingest body: a JSON array of events, or NDJSON (one event per line).
 * A body that is one JSON object is a single event.
 */
export function parseEventsBody(text: string): ParsedLines {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    try {
      const array = JSON.parse(text) as unknown[];
      return { values: array.map((value, i) => ({ line: i + 1, value })), rejections: [] };
    } catch (err) {
      return { values: [], rejections: [{ line: 1, reason: `invalid JSON array: ${(err as Error).message}` }] };
    }
  }
  return parseNdjsonLines(text.split('\n'));
}
