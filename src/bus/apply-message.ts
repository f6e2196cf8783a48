import { parseNdjsonLines } from '../events/parse-ndjson.js';
import type { Ingestor, IngestResult } from '../ingest/ingestor.js';
import { natsBatchKey } from '../store/batch-id.js';
import type { EventStream } from './event-stream.js';

/** What a message carries, as the applier needs it (a JsMsg has these). */
export interface EventMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly info: { readonly streamSequence: number };
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Applies one message (NDJSON: one event or many, all of the subject's app) as one atomic batch
 * whose id is the stream's identity and the message's sequence: a redelivery of a message that
 * committed is recognised and changes nothing. Bad lines are rejections, not failures.
 */
export async function applyMessage(ingestor: Ingestor, stream: EventStream, sdkappid: number, msg: EventMessage): Promise<IngestResult> {
  const parsed = parseNdjsonLines(decoder.decode(msg.data).split('\n'));
  return ingestor.ingest(parsed.values, { sdkappid, batch: natsBatchKey(stream.name, stream.createdMs, msg.info.streamSequence) }, parsed.rejections);
}
