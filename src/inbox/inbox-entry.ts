/** Transport parameters kept beside a payload (a callback's command, its platform): a small flat JSON object. */
export type InboxMeta = Readonly<Record<string, string | number | boolean | null>>;

/** One delivery to store before it is answered (a webhook request as it arrived). */
export interface InboxEntryInput {
  /** The app the transport named (authenticated by the route). */
  readonly sdkappid: number;
  /** Which translator reads the payload: `tencent`, `openim`, … (lower case, ≤ 16 characters). */
  readonly transport: string;
  /** Unix ms: the time of events whose payload carries none. */
  readonly receivedAt: number;
  /** The request parameters the translator needs besides the payload (≤ 2,000 characters as JSON). */
  readonly meta: InboxMeta;
  /** The body exactly as received (text; ≤ 16 MiB). */
  readonly payload: string;
  /**
   * Identity of the delivery (a message key, an event id): a delivery whose key was applied
   * before counts nothing. ≤ 100 characters; undefined when the payload identifies nothing.
   */
  readonly dedupeKey?: string;
  /** For a key made from content rather than an occurrence: it counts as new again after this many ms. */
  readonly dedupeWindowMs?: number;
}

/** A stored delivery; ids grow in arrival order. */
export interface InboxEntry extends InboxEntryInput {
  readonly id: number;
}

/**
 * Turns a stored delivery into canonical event objects (events.md section 1; the ingestor
 * validates them). Pure and deterministic: the same entry always gives the same events, so a
 * retry after a crash applies what the first attempt would have. Throwing consumes the entry
 * with nothing counted (and the error logged), so one unreadable entry never blocks its app.
 */
export type InboxTranslator = (entry: InboxEntry) => readonly unknown[];
