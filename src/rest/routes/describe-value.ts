/** How a request value is named in a 130001 ErrorInfo: its kind, or a string's first 64 characters. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 64));
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
