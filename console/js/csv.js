// @ts-check
// CSV as RFC 4180: a header row, one row per bucket, values exactly as the API gave them.

/** @param {string} value */
function quote(value) {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** @param {string[]} columns @param {Record<string, string>[]} rows */
export function toCsv(columns, rows) {
  return [columns, ...rows.map((r) => columns.map((c) => r[c] ?? ''))].map((line) => line.map(quote).join(',')).join('\r\n') + '\r\n';
}

/** @param {string} filename @param {string[]} columns @param {Record<string, string>[]} rows */
export function downloadCsv(filename, columns, rows) {
  const url = URL.createObjectURL(new Blob([toCsv(columns, rows)], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
