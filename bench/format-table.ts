import { textTable } from '../src/cli/format/text-table.js';

/** A column of a text table; numbers read best right-aligned. */
export interface Column {
  readonly header: string;
  /** Default 'left'. */
  readonly align?: 'left' | 'right';
}

/**
 * A Markdown-compatible text table (the CLI's renderer, markdown style), without the final
 * newline: reports join their lines themselves.
 */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const alignRight = new Set(columns.flatMap((c, i) => (c.align === 'right' ? [i] : [])));
  return textTable(columns.map((c) => c.header), rows, { style: 'markdown', alignRight }).slice(0, -1);
}

/** 1234567 → "1,234,567" (rounded to an integer). */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–';
}

/** Milliseconds with 2 significant decimals below 10 ms: 0.456 → "0.46 ms", 12.3 → "12.3 ms". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms).toLocaleString('en-US')} ms`;
}

/** Seconds: 1.234 → "1.2 s", 123.4 → "123 s". */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '–';
  return s < 100 ? `${s.toFixed(1)} s` : `${Math.round(s).toLocaleString('en-US')} s`;
}

/** A ratio as a whole percentage: 0.634 → "63%". */
export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? `${Math.round(ratio * 100)}%` : '–';
}

/** Bytes in MB (10^6): 123_456_789 → "123 MB". */
export function formatMB(bytes: number): string {
  return Number.isFinite(bytes) ? `${Math.round(bytes / 1e6).toLocaleString('en-US')} MB` : '–';
}
