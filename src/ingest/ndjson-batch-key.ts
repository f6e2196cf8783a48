import { createHash } from 'node:crypto';
import type { IngestBatchKey } from './ingestor.js';

/**
 * Batch ids come from the batch's content and its position (the store scopes them by app), so
 * feeding the same input again (say after a crash) skips every batch that was committed and
 * applies the rest, and the same file ingested for another app is that app's batches.
 */
export function ndjsonBatchKey(lines: readonly string[], firstLine: number): IngestBatchKey {
  // One update of the joined text: a million small updates cost more than the hashing itself.
  const hash = createHash('sha256').update(lines.join('\n')).digest('base64url');
  return { transport: 'ndjson', key: `${firstLine}:${hash}` };
}
