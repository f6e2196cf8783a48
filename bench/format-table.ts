/** A column of a text table; numbers read best right-aligned. */
export interface Column {
  readonly header: string;
  /** Default 'left'. */
  readonly align?: 'left' | 'right';
}

/**
 * A Markdown-compatible text table (pipes, header rule with alignment colons), padded so it also
 * reads well in a terminal. Rows shorter than the header are padded with empty cells.
 */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(3, c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (text: string, i: number) => (columns[i]!.align === 'right' ? text.padStart(widths[i]!) : text.padEnd(widths[i]!));
  const line = (cells: readonly string[]) => `| ${columns.map((_, i) => cell(cells[i] ?? '', i)).join(' | ')} |`;
  const rule = `|${columns.map((c, i) => (c.align === 'right' ? `${'-'.repeat(widths[i]! + 1)}:` : `:${'-'.repeat(widths[i]! + 1)}`)).join('|')}|`;
  return [line(columns.map((c) => c.header)), rule, ...rows.map(line)].join('\n');
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
