import { describeValue } from '../json-limits.js';
import { CallbackBodyError, type CallbackTranslation, type TranslatorOutput } from './tencent-callback/callback-translation.js';

/** What both webhook adapters (Tencent callbacks, OpenIM webhooks) know of a delivery before translating it. */
export interface CommandDelivery {
  /** The command named by the URL. */
  readonly command: string;
  /** The JSON body, already parsed. */
  readonly body: unknown;
}

/** How a body may repeat the URL's command. */
export interface BodyCommand {
  /** The body key: `CallbackCommand` (Tencent), `callbackCommand` (OpenIM). */
  readonly key: string;
  /** True when `""` counts as absent (OpenIM's Go structs write an unset command as `""`). */
  readonly emptyIsAbsent: boolean;
}

/**
 * Runs one command family's translator over a delivery, the part both adapters share: a body
 * naming another command than the URL is `malformed` (a sender bug or a misconfiguration:
 * counting it under either name would be a guess), so is any CallbackBodyError the translator
 * throws; `{ ignore }` becomes `ignored`; anything else thrown is a bug and propagates.
 */
export function runTranslator<I extends CommandDelivery>(input: I, translate: (input: I) => TranslatorOutput, bodyCommand: BodyCommand): CallbackTranslation {
  const { command } = input;
  try {
    checkBodyCommand(input, bodyCommand);
    const out = translate(input);
    if ('ignore' in out) return { kind: 'ignored', command, reason: out.ignore };
    return { kind: 'events', command, events: out.events, dedupeKey: out.dedupeKey, rejections: out.rejections ?? [] };
  } catch (err) {
    if (err instanceof CallbackBodyError) return { kind: 'malformed', command, error: err };
    throw err;
  }
}

function checkBodyCommand({ command, body }: CommandDelivery, { key, emptyIsAbsent }: BodyCommand): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
  const named = (body as Record<string, unknown>)[key];
  if (named === undefined || named === null || named === command || (emptyIsAbsent && named === '')) return;
  throw new CallbackBodyError(
    key,
    typeof named === 'string' ? 'bad-value' : 'wrong-type',
    `the body's ${key} ${describeValue(named)} differs from the URL's ${JSON.stringify(command)}`,
  );
}
