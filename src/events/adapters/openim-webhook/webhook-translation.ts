import type { ImEvent } from '../../event.js';
import type { CallbackBodyError, ItemRejection } from '../tencent-callback/callback-translation.js';

/** One OpenIM webhook as it reached us: the command from the URL, the decoded body and what the route knows. */
export interface WebhookInput {
  /** The app, from the URL; stamped on every event. */
  readonly sdkappid: number;
  /** The URL's last segment, e.g. `callbackAfterSendSingleMsgCommand`. */
  readonly command: string;
  /** The JSON body, already parsed. */
  readonly body: unknown;
  /** When the request arrived, Unix ms: the time of events whose body carries none. */
  readonly arrivalMs: number;
  /**
   * The `operationID` HTTP header OpenIM sends with every webhook (the API call's id); used when
   * the body has none. Undefined or empty when absent.
   */
  readonly operationId?: string;
  /** The `vendor` of push events: OpenIM's webhook does not name its push provider, the app's setting does. */
  readonly pushVendor: string;
}

/** The webhook became canonical events (possibly none). */
export interface TranslatedWebhook {
  readonly kind: 'events';
  readonly command: string;
  readonly events: ImEvent[];
  /**
   * Identity of this delivery, the same when it is delivered again (a retry through a proxy, a
   * replayed log): `<family>:<hash>`, scoped by SDKAppID before storing. Undefined when the body
   * and headers carry nothing that identifies the occurrence.
   */
  readonly dedupeKey?: string;
  /** List elements left out, with their reasons. */
  readonly rejections: ItemRejection[];
}

/** Acknowledged and counted nowhere: an unknown or uncounted command, a before-event, or a variant without activity. */
export interface IgnoredWebhook {
  readonly kind: 'ignored';
  readonly command: string;
  readonly reason: string;
}

/** The body does not have OpenIM's shape; nothing of it can be counted. */
export interface MalformedWebhook {
  readonly kind: 'malformed';
  readonly command: string;
  readonly error: CallbackBodyError;
}

export type WebhookTranslation = TranslatedWebhook | IgnoredWebhook | MalformedWebhook;

/** What one command family's translator gives back. */
export type WebhookTranslatorOutput =
  | { readonly events: ImEvent[]; readonly dedupeKey?: string; readonly rejections?: ItemRejection[] }
  | { readonly ignore: string };

/** Translates one command family's bodies; throws CallbackBodyError for a malformed body. */
export type WebhookTranslator = (input: WebhookInput) => WebhookTranslatorOutput;
