import type { CallbackInput, CallbackTranslation } from './callback-translation.js';
import { CallbackBodyError } from './callback-translation.js';
import { CALLBACK_TRANSLATORS } from './callback-translators.js';
import { describeValue } from '../../json-limits.js';

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

/** A body naming another command than the URL is a sender bug; counting it under either name would be a guess. */
function checkBodyCommand({ command, body }: CallbackInput): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
  const named = (body as Record<string, unknown>).CallbackCommand;
  if (named === undefined || named === null || named === command) return;
  throw new CallbackBodyError(
    'CallbackCommand',
    typeof named === 'string' ? 'bad-value' : 'wrong-type',
    `the body's CallbackCommand ${describeValue(named)} differs from the URL's ${JSON.stringify(command)}`,
  );
}
