import { runTranslator } from '../run-translator.js';
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
  return runTranslator(input, translate, { key: 'callbackCommand', emptyIsAbsent: true });
}
