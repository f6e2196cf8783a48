import type { InboxEntry } from '../../../inbox/inbox-entry.js';
import { translateCallback } from './translate-callback.js';

/** The inbox transport name of Tencent IM callbacks. */
export const TENCENT_TRANSPORT = 'tencent';

/**
 * Reads a stored Tencent callback (meta `{ command, optPlatform }`, the body as received) back
 * into its canonical events, exactly as the route translated it before storing: translation is
 * pure, and the arrival time is stored. Ignored or malformed bodies give no events (the route
 * does not store those).
 */
export function translateStoredTencentCallback(entry: InboxEntry): readonly unknown[] {
  const command = entry.meta.command;
  if (typeof command !== 'string') throw new Error('stored callback has no command');
  const optPlatform = typeof entry.meta.optPlatform === 'string' ? entry.meta.optPlatform : undefined;
  const translation = translateCallback({ sdkappid: entry.sdkappid, command, optPlatform, body: JSON.parse(entry.payload), arrivalMs: entry.receivedAt });
  return translation.kind === 'events' ? translation.events : [];
}
