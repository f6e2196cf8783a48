import stringWidth from 'string-width';

export interface TextTableOptions {
  /** Columns (by index) aligned right, for numbers; default none. */
  readonly alignRight?: ReadonlySet<number>;
}

/** Plain text table: header, a rule, rows; columns padded to their widest cell, two spaces apart. */
export function textTable(headers: readonly string[], rows: readonly (readonly string[])[], options: TextTableOptions = {}): string {
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (options.alignRight?.has(i) ? ' '.repeat(widths[i]! - width(c)) + c : c + ' '.repeat(widths[i]! - width(c))))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

/** Width of a table of these headers and rows, in terminal columns. */
export function textTableWidth(headers: readonly string[], rows: readonly (readonly string[])[]): number {
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  return widths.reduce((a, b) => a + b, 0) + 2 * Math.max(0, widths.length - 1);
}

// Terminal columns, not code points: a Chinese character takes two, a combining mark none.
function width(text: string): number {
  return stringWidth(text);
}
