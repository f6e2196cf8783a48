import type { JetStreamManager, StreamInfo } from '@nats-io/jetstream';
import { RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';

/** Default JetStream stream name. */
export const DEFAULT_STREAM = 'IMSTATS_EVENTS';
/** Default subject prefix: events go to `<prefix>.<partition>.<sdkappid>`. */
export const DEFAULT_SUBJECT = 'imstats.events';
/** Default number of partitions (a stream keeps the number it was created with). */
export const DEFAULT_PARTITIONS = 8;
/** Messages older than this leave the stream (well inside the 35-day batch-id retention, so an old message is never applied twice). */
export const STREAM_MAX_AGE_MS = 7 * 86_400_000;
/** The partition token of dead-lettered messages: `<prefix>.dead.<sdkappid>`. */
export const DEAD_TOKEN = 'dead';

const STREAM_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const SUBJECT_PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const PARTITIONS_IN_DESCRIPTION = /\(partitions: (\d+)\)/;

/** Where events live: the stream, its subjects and how apps are spread over partitions. */
export interface EventStream {
  readonly name: string;
  /** Creation time (Unix ms): part of every batch id, so a re-created stream's sequences are new batches. */
  readonly createdMs: number;
  readonly subject: string;
  readonly partitions: number;
}

export interface EventStreamOptions {
  readonly name?: string;
  readonly subject?: string;
  /** Used when the stream is created; an existing stream keeps its own. */
  readonly partitions?: number;
}

/** The partition of an app: its SDKAppID modulo the partition count (any publisher can compute it). */
export function partitionOf(sdkappid: number, partitions: number): number {
  return sdkappid % partitions;
}

/** `<prefix>.<partition>.<sdkappid>`: one app per subject, apps of one partition under one wildcard. */
export function eventSubject(stream: EventStream, sdkappid: number): string {
  return `${stream.subject}.${partitionOf(sdkappid, stream.partitions)}.${sdkappid}`;
}

/** Where a message that kept failing is kept (same stream, never consumed): `<prefix>.dead.<sdkappid>`. */
export function deadLetterSubject(stream: EventStream, sdkappid: number | string): string {
  return `${stream.subject}.${DEAD_TOKEN}.${sdkappid}`;
}

/** The wildcard of one partition, a durable consumer's filter. */
export function partitionFilter(stream: EventStream, partition: number): string {
  return `${stream.subject}.${partition}.*`;
}

/** The SDKAppID a message's subject names, or undefined when the last token is not one. */
export function appOfSubject(subject: string): number | undefined {
  const token = subject.slice(subject.lastIndexOf('.') + 1);
  const n = /^[1-9]\d{0,15}$/.test(token) ? Number(token) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

function checkOptions(o: EventStreamOptions): { name: string; subject: string; partitions: number } {
  const name = o.name ?? DEFAULT_STREAM;
  const subject = o.subject ?? DEFAULT_SUBJECT;
  const partitions = o.partitions ?? DEFAULT_PARTITIONS;
  if (!STREAM_NAME.test(name)) throw new RangeError(`--stream: ${JSON.stringify(name)} is not a stream name (letters, digits, - and _)`);
  if (!SUBJECT_PREFIX.test(subject)) throw new RangeError(`--subject: ${JSON.stringify(subject)} is not a subject prefix (dot-separated tokens, no wildcards)`);
  if (!Number.isSafeInteger(partitions) || partitions < 1 || partitions > 1024) throw new RangeError('--partitions: expected 1 to 1024');
  return { name, subject, partitions };
}

function fromInfo(info: StreamInfo, subject: string): EventStream {
  const wanted = `${subject}.*.*`;
  if (!info.config.subjects?.includes(wanted)) {
    throw new RangeError(`stream ${info.config.name} does not hold ${wanted} (its subjects: ${info.config.subjects?.join(', ') ?? 'none'}); pass its --subject`);
  }
  const partitions = Number(PARTITIONS_IN_DESCRIPTION.exec(info.config.description ?? '')?.[1]);
  if (!Number.isSafeInteger(partitions) || partitions < 1) throw new RangeError(`stream ${info.config.name} was not created by imstats (its description names no partition count)`);
  return { name: info.config.name, createdMs: Date.parse(info.created), subject, partitions };
}

/**
 * The event stream, created when missing (file storage, messages kept 7 days, deduplication of
 * publishes by message id for 2 minutes). The partition count is written into the stream's
 * description when it is created and read back from there, so every process agrees on it.
 */
export async function ensureEventStream(jsm: JetStreamManager, options: EventStreamOptions = {}): Promise<EventStream> {
  const o = checkOptions(options);
  try {
    return fromInfo(await jsm.streams.info(o.name), o.subject);
  } catch (err) {
    if ((err as { code?: unknown }).code !== 10059) throw err;
  }
  try {
    const info = await jsm.streams.add({
      name: o.name,
      subjects: [`${o.subject}.*.*`],
      description: `imstats events (partitions: ${o.partitions})`,
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      max_age: nanos(STREAM_MAX_AGE_MS),
      duplicate_window: nanos(120_000),
    });
    return fromInfo(info, o.subject);
  } catch (err) {
    // Another process created it first.
    return fromInfo(await jsm.streams.info(o.name).catch(() => Promise.reject(err)), o.subject);
  }
}
