import stringWidth from 'string-width';

export interface TextTableOptions {
  /** Columns (by index) aligned right, for numbers; default none. */
  readonly alignRight?: ReadonlySet<number>;
  /**
   * 'plain' (default): columns two spaces apart under a rule of dashes. 'markdown': pipes and a
   * header rule with alignment colons (the benchmark's README tables), still aligned for a terminal.
   */
  readonly style?: 'plain' | 'markdown';
}

/**
 * A text table: header, a rule, rows (shorter rows padded with empty cells); columns padded to
 * their widest cell. Ends with a newline.
 */
export function textTable(headers: readonly string[], rows: readonly (readonly string[])[], options: TextTableOptions = {}): string {
  const markdown = options.style === 'markdown';
  // A Markdown rule needs three characters per column (`:--`).
  const widths = headers.map((h, i) => Math.max(markdown ? 3 : 0, width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const right = (i: number) => options.alignRight?.has(i) ?? false;
  const pad = (c: string, i: number) => (right(i) ? ' '.repeat(widths[i]! - width(c)) + c : c + ' '.repeat(widths[i]! - width(c)));
  const cells = (row: readonly string[]) => headers.map((_, i) => pad(row[i] ?? '', i));
  if (markdown) {
    const line = (row: readonly string[]) => `| ${cells(row).join(' | ')} |`;
    const rule = `|${widths.map((w, i) => (right(i) ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`;
    return [line(headers), rule, ...rows.map(line)].join('\n') + '\n';
  }
  const line = (row: readonly string[]) => cells(row).join('  ').trimEnd();
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
