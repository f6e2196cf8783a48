import type { ImEvent } from '../../event.js';

/** One Tencent IM third-party callback as it reached us: URL parameters plus the decoded body. */
export interface CallbackInput {
  /** The app, from the URL's `SdkAppid`; stamped on every event. */
  readonly sdkappid: number;
  /** The URL's `CallbackCommand`, e.g. `C2C.CallbackAfterSendMsg`. */
  readonly command: string;
  /** The URL's `OptPlatform` (`iOS`, `Android`, `Web`, …); undefined when absent. */
  readonly optPlatform?: string;
  /** The JSON body, already parsed. */
  readonly body: unknown;
  /** When the request arrived, Unix ms: the time of events whose body carries none. */
  readonly arrivalMs: number;
}

/** A list element that could not be translated; the rest of the callback still counts. */
export interface ItemRejection {
  /** Where in the body, e.g. `Events[41]` or `PairList[2].To_Account`. */
  readonly path: string;
  readonly reason: string;
}

/** The callback became canonical events (possibly none, e.g. a push batch with no sent APNs). */
export interface TranslatedCallback {
  readonly kind: 'events';
  readonly command: string;
  readonly events: ImEvent[];
  /**
   * Identity of this delivery for retry de-duplication (events.md: C2C by MsgKey, group messages
   * by GroupId+MsgSeq, state changes by user+EventTime+action+platform; others where the body
   * identifies the occurrence). The same delivery retried gives the same key; undefined when the
   * body has nothing that identifies it. Scope it by SDKAppID before storing it.
   */
  readonly dedupeKey?: string;
  /** List elements left out, with their reasons (empty when all were fine). */
  readonly rejections: ItemRejection[];
}

/** Acknowledged, counted nowhere: a command we do not translate, or a variant that carries no activity. */
export interface IgnoredCallback {
  readonly kind: 'ignored';
  readonly command: string;
  readonly reason: string;
}

/** The body does not have the documented shape; nothing of it can be counted. */
export interface MalformedCallback {
  readonly kind: 'malformed';
  readonly command: string;
  readonly error: CallbackBodyError;
}

export type CallbackTranslation = TranslatedCallback | IgnoredCallback | MalformedCallback;

/** What is wrong with a body field: absent, of the wrong JSON type, or of the right type but unusable. */
export type CallbackBodyProblem = 'missing' | 'wrong-type' | 'bad-value';

/**
 * A callback body that is not the documented format. `path` names the field as Tencent spells it
 * (`Info.To_Account`, `MemberList[3].Member_Account`); the message says what was expected and what came.
 */
export class CallbackBodyError extends Error {
  constructor(
    readonly path: string,
    readonly problem: CallbackBodyProblem,
    message: string,
  ) {
    super(message);
    this.name = 'CallbackBodyError';
  }
}

/** What a command family's translator gives back: events, or why the callback carries nothing to count. */
export type TranslatorOutput =
  | { readonly events: ImEvent[]; readonly dedupeKey?: string; readonly rejections?: ItemRejection[] }
  | { readonly ignore: string };

/** Translates one command family's bodies; throws CallbackBodyError for a malformed body. */
export type CallbackTranslator = (input: CallbackInput) => TranslatorOutput;
