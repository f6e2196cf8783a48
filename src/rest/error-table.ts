/**
 * Reads a Markdown error table (`| Code | When | … |` rows whose first cell is an integer, as in
 * api.md and the README) into code → the rest of the row, so a test can hold the documentation
 * and ERROR_CODES to each other.
 */
export function errorTableCodes(markdown: string): Map<number, string> {
  const codes = new Map<number, string>();
  for (const line of markdown.split('\n')) {
    const m = /^\|\s*`?(\d+)`?\s*\|(.*)\|\s*$/.exec(line.trim());
    if (m) codes.set(Number(m[1]), m[2]!.trim());
  }
  return codes;
}
