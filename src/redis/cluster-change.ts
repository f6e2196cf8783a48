/**
 * What one node tells the others, so their caches act at once instead of at expiry:
 * - `app`: the app was created, changed (key, admins, enabled, name, baselines, callback token…)
 *   or deleted: drop its cached app, answers and verified UserSigs;
 * - `token`: a console token was revoked (tokens are read from the database on every call today;
 *   the message is there for any node that caches them);
 * - `data`: batches were applied for these apps (a new data version): drop their answers;
 * - `resync`: never sent; heard when the link to the other nodes came back after changes may
 *   have been missed: drop every cache.
 */
export type ClusterChange =
  | { readonly kind: 'app'; readonly sdkappid: number }
  | { readonly kind: 'token'; readonly id: string }
  | { readonly kind: 'data'; readonly sdkappids: readonly number[] }
  | { readonly kind: 'resync' };

/** Where changes are published and heard; a Redis channel (RedisChangeBus) or nothing on one node. */
export interface ClusterChanges {
  /** Sends a change to every node (this one included); never throws, never waits on a dead Redis. */
  publish(change: ClusterChange): void;
  /** Calls `handler` for every change heard, from any node; returns the unsubscribe function. */
  subscribe(handler: (change: ClusterChange) => void): () => void;
}

/** The change in a message, or undefined when the message is not one (another version, garbage). */
export function parseClusterChange(message: string): ClusterChange | undefined {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v.kind === 'app' && Number.isSafeInteger(v.sdkappid)) return { kind: 'app', sdkappid: v.sdkappid as number };
  if (v.kind === 'token' && typeof v.id === 'string') return { kind: 'token', id: v.id };
  if (v.kind === 'data' && Array.isArray(v.sdkappids) && v.sdkappids.every((id) => Number.isSafeInteger(id))) {
    return { kind: 'data', sdkappids: v.sdkappids as number[] };
  }
  return undefined;
}
