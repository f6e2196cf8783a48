import { createHash } from 'node:crypto';
import type { BatchKey } from '../aggregate/batch-store.js';

/** Width of `applied_batches.batch_id`. */
export const MAX_BATCH_ID_LENGTH = 160;
const TRANSPORT = /^[a-z][a-z0-9-]{0,15}$/;

/**
 * The stored id of a batch: `<transport>:<sdkappid or *>:<key>`, the one place ids are built.
 * Scoping by transport and app means the same file ingested for two apps, or an Idempotency-Key
 * reused by another app, are different batches. A key too long for the column is replaced by its
 * SHA-256 (base64url), so any key fits and distinct keys stay distinct.
 */
export function batchIdOf(batch: BatchKey): string {
  if (!TRANSPORT.test(batch.transport)) throw new Error(`batch transport ${JSON.stringify(batch.transport)} must match ${TRANSPORT}`);
  const prefix = `${batch.transport}:${batch.sdkappid ?? '*'}:`;
  const id = prefix + batch.key;
  return id.length <= MAX_BATCH_ID_LENGTH ? id : `${prefix}#${createHash('sha256').update(batch.key).digest('base64url')}`;
}

/**
 * The id the same batch had before ids were scoped by app (upgrades of a database filled
 * before): file chunks were `ndjson:<line>:<hash>`, with no app in it; every other transport's id
 * is unchanged. A chunk claimed under its old id was applied before the upgrade, so re-running
 * an interrupted import after upgrading does not count its committed chunks again. Old ids name
 * no app, so until they are pruned (retention + 1 day after the upgrade) such a chunk is
 * "already applied" for any app, as it was before the upgrade.
 */
export function legacyBatchIdOf(batch: BatchKey): string | undefined {
  return batch.transport === 'ndjson' ? `ndjson:${batch.key}` : undefined;
}

/**
 * The batch key of one JetStream message (transport `nats`): the stream's name and creation time
 * (a stream deleted and created again numbers its messages from 1 again) and the message's stream
 * sequence. A redelivered message has the same key, so it changes nothing the second time.
 */
export function natsBatchKey(stream: string, createdMs: number, sequence: number): Omit<BatchKey, 'sdkappid'> {
  return { transport: 'nats', key: `${stream}@${createdMs}:${sequence}` };
}
