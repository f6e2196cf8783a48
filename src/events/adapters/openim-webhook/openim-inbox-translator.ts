import type { InboxEntry } from '../../../inbox/inbox-entry.js';
import { translateWebhook } from './translate-webhook.js';

/** The inbox transport name of OpenIM webhooks. */
export const OPENIM_TRANSPORT = 'openim';

/**
 * Reads a stored OpenIM webhook (meta `{ command, operationId, pushVendor }`, the body as
 * received) back into its canonical events, exactly as the route translated it before storing:
 * translation is pure, and the arrival time and the push vendor in force are stored with it.
 */
export function translateStoredOpenImWebhook(entry: InboxEntry): readonly unknown[] {
  const { command, operationId, pushVendor } = entry.meta;
  if (typeof command !== 'string' || typeof pushVendor !== 'string') throw new Error('stored OpenIM webhook has no command or push vendor');
  const t = translateWebhook({
    sdkappid: entry.sdkappid,
    command,
    body: JSON.parse(entry.payload),
    arrivalMs: entry.receivedAt,
    operationId: typeof operationId === 'string' ? operationId : undefined,
    pushVendor,
  });
  return t.kind === 'events' ? t.events : [];
}
