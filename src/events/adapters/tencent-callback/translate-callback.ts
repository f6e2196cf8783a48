import type { CallbackInput, CallbackTranslation } from './callback-translation.js';
import { CALLBACK_TRANSLATORS } from './callback-translators.js';
import { runTranslator } from '../run-translator.js';

/**
 * Turns one Tencent IM third-party callback into canonical events (events.md section 2).
 * Pure: no I/O, no clock (the arrival time comes in). Never throws for bad input:
 * - a translated command → `events` (maybe empty), a dedupe key when the body identifies the
 *   delivery, and the list elements left out;
 * - a command we do not count, or a variant without activity → `ignored` with the reason;
 * - a body that is not the documented format (not an object, a required field missing or of the
 *   wrong type, a `CallbackCommand` in the body contradicting the URL's) → `malformed`.
 * Times are not checked against now or the retention window here; the pipeline does that.
 */
export function translateCallback(input: CallbackInput): CallbackTranslation {
  const { command } = input;
  const translate = CALLBACK_TRANSLATORS.get(command);
  if (!translate) return { kind: 'ignored', command, reason: `CallbackCommand ${JSON.stringify(command)} is not counted` };
  return runTranslator(input, translate, { key: 'CallbackCommand', emptyIsAbsent: false });
}
