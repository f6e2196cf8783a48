import { CallbackBodyError } from '../tencent-callback/callback-translation.js';
import { isBeforeCommand } from './openim-commands.js';
import type { WebhookInput, WebhookTranslation } from './webhook-translation.js';
import { WEBHOOK_TRANSLATORS } from './webhook-translators.js';

/**
 * Turns one OpenIM webhook into canonical events. Pure: no I/O, no clock (the arrival time comes
 * in). Never throws for bad input:
 * - a counted command → `events` (maybe empty), a dedupe key when the delivery is identifiable,
 *   and the list elements left out;
 * - an unknown or uncounted command, a before-event (but the offline push), or a variant without
 *   activity → `ignored` with the reason;
 * - a body that is not OpenIM's shape (not an object, a required field missing or of the wrong
 *   type, a `callbackCommand` in the body contradicting the URL's) → `malformed`.
 */
export function translateWebhook(input: WebhookInput): WebhookTranslation {
  const { command } = input;
  const translate = WEBHOOK_TRANSLATORS.get(command);
  if (!translate) {
    const reason = isBeforeCommand(command) ? 'a before-event: answered "continue", not counted' : 'not counted';
    return { kind: 'ignored', command, reason: `${JSON.stringify(command.slice(0, 80))} is ${reason}` };
  }
  try {
    checkBodyCommand(input);
    const out = translate(input);
    if ('ignore' in out) return { kind: 'ignored', command, reason: out.ignore };
    return { kind: 'events', command, events: out.events, dedupeKey: out.dedupeKey, rejections: out.rejections ?? [] };
  } catch (err) {
    if (err instanceof CallbackBodyError) return { kind: 'malformed', command, error: err };
    throw err;
  }
}

/** A body naming another command than the URL is a misconfiguration; counting it under either name would be a guess. */
function checkBodyCommand({ command, body }: WebhookInput): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
  const named = (body as Record<string, unknown>).callbackCommand;
  if (named === undefined || named === null || named === '' || named === command) return;
  throw new CallbackBodyError(
    'callbackCommand',
    typeof named === 'string' ? 'bad-value' : 'wrong-type',
    `the body's callbackCommand ${JSON.stringify(named)} differs from the URL's ${JSON.stringify(command)}`,
  );
}
