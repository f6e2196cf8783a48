/** RFC 4180 CSV: a header row then one row per record, CRLF-free (`\n`), fields quoted when needed. */
export function toCsv(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  return [headers, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
