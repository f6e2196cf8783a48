import { createHash } from 'node:crypto';

/**
 * A bounded, stable identity for one delivery: `<family>:<base64url sha-256 of the parts>`
 * (≤ 60 characters whatever the ids), so it fits a batch-id column once scoped by app.
 * JSON-encoding the parts keeps `["a:b","c"]` and `["a","b:c"]` apart.
 */
export function dedupeKey(family: string, parts: readonly (string | number)[]): string {
  return `${family}:${createHash('sha256').update(JSON.stringify(parts)).digest('base64url')}`;
}
