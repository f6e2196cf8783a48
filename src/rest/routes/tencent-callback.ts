import { createHash } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import {
  CALLBACK_TRANSLATORS,
  KeyedSerialQueue,
  RecentDeliveries,
  translateCallback,
  type ItemRejection,
  type TranslatedCallback,
} from '../../events/adapters/tencent-callback/index.js';
import type { IngestResult } from '../../ingest/ingestor.js';
import { StoreError } from '../../store/store-error.js';
import { ApiError } from '../error-codes.js';
import { queryParams } from '../query-params.js';
import { admittedCallback, callbackAdmission } from './callback-admission.js';
import { CallbackReplays } from './callback-replays.js';
import { rawBodyOf, utf8Text } from '../raw-body.js';
import type { RestContext } from '../rest-context.js';
import type { RestRoute } from './index.js';

/** How long an answer waits for its callback to be applied before answering anyway: 1.5 s (Tencent gives up at 2 s). */
export const CALLBACK_ANSWER_BUDGET_MS = 1500;
/** Largest callback body: 16 MiB (a Push.OfflinePush batch of 10,000 events is about 3 MiB). */
export const MAX_CALLBACK_BODY_BYTES = 16 * 1024 * 1024;
/** Callbacks queued or being applied at most, all apps together; beyond, 60007 and the sender retries. */
export const MAX_PENDING_CALLBACKS = 10_000;
/** Waits before re-applying a callback after a database failure (a batch is atomic, so a retry is safe). */
const STORE_RETRY_DELAYS_MS = [250, 1000];
/** Reasons quoted in one ErrorInfo at most; the count says how many there were. */
const MAX_QUOTED_REASONS = 3;

/** Tencent's answer to a callback, keys in byte-wise order as every answer of this API. */
interface CallbackAnswer {
  readonly ActionStatus: 'OK';
  readonly ErrorCode: 0;
  readonly ErrorInfo: string;
}

const answer = (info = ''): CallbackAnswer => ({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: info });

/**
 * `POST /v4/imstats/callback?SdkAppid=…&CallbackCommand=…&contenttype=json&ClientIP=…&OptPlatform=…`:
 * Tencent IM third-party callbacks (events.md section 2) turned into canonical events and applied
 * through the ingestion pipeline. No UserSig: when the app has a callback token, `RequestTime` and
 * `Sign = hex(sha256(token + RequestTime))` are required (70060 / 70061); without one, callbacks
 * are accepted unsigned. Commands we do not count — before-callbacks included — are answered
 * OK/0 (a non-zero code would make Tencent block the user's action). Each app's callbacks are
 * applied in arrival order by a bounded background queue; the answer waits for that at most
 * CALLBACK_ANSWER_BUDGET_MS, then says OK and the work goes on. Retried deliveries count once:
 * by the body's identity (MsgKey, GroupId+MsgSeq, …) kept with the applied batches, or, for bodies
 * without one, by the identical body within 10 minutes.
 */
export const tencentCallbackRoute: RestRoute = async (fastify, ctx) => {
  const queue = new KeyedSerialQueue<number>(MAX_PENDING_CALLBACKS);
  const recent = new RecentDeliveries();
  fastify.addHook('onClose', async () => queue.drained());

  const replays = new CallbackReplays(ctx.store, (err) => fastify.log.warn({ err }, 'pruning old callback Signs failed'));
  const options = {
    config: { auth: 'none', maxBodyBytes: MAX_CALLBACK_BODY_BYTES, bodyBudget: ctx.callbackBodies },
    // The URL is checked before the body is read: a stranger cannot make the server buffer 16 MiB.
    preParsing: callbackAdmission(ctx),
  } as const;
  fastify.post('/imstats/callback', options, async (request): Promise<CallbackAnswer> => {
    const params = queryParams(request);
    const { app, arrivalMs } = admittedCallback(request);
    const command = params.get('callbackcommand')?.trim();
    if (!command) throw new ApiError('UNKNOWN_COMMAND', 'CallbackCommand is missing from the query string');
    const counted = CALLBACK_TRANSLATORS.has(command);
    const raw = rawBodyOf(request);
    const bodyHash = createHash('sha256').update(raw).digest('base64url');
    // A command we do not count changes nothing, so neither a replay nor a database failure may block the user's action.
    const replay = await replays.check(app, params, bodyHash, ctx.nowMs()).catch((err: unknown) => {
      if (counted || !(err instanceof StoreError)) throw err;
      request.log.warn({ err }, 'callback Sign replay check failed for an ignored command');
      return undefined;
    });
    if (replay && counted) throw replay;
    if (!counted) return answer(`ignored: CallbackCommand ${JSON.stringify(command.slice(0, 80))} is not counted`);

    const translation = translateCallback({ sdkappid: app.sdkappid, command, optPlatform: params.get('optplatform'), body: parseBody(raw), arrivalMs });
    if (translation.kind === 'ignored') return answer(`ignored: ${translation.reason}`);
    if (translation.kind === 'malformed') throw new ApiError('INVALID_JSON', `${command} body: ${translation.error.message}`);
    if (translation.events.length === 0) {
      if (translation.rejections.length > 0) throw new ApiError('INVALID_JSON', `${command} body: ${summary(translation.rejections)}`);
      return answer();
    }

    // Without an identity in the body, an identical body shortly before is the same delivery.
    const recentKey = translation.dedupeKey === undefined ? `${app.sdkappid}:${command}:${bodyHash}` : undefined;
    const work = queue.run(app.sdkappid, () => apply(ctx, translation, recent, recentKey));
    if (!work) throw new ApiError('RATE_LIMITED', `${MAX_PENDING_CALLBACKS} callbacks are waiting to be applied; retry later`);
    const outcome = await settleWithin(work, CALLBACK_ANSWER_BUDGET_MS);
    if (outcome.state === 'pending') {
      work.catch((err: unknown) => logLost(request.log, command, err));
      return answer('accepted; being applied');
    }
    if (outcome.state === 'failed') throw outcome.error;
    return outcomeAnswer(command, translation, outcome.value);
  });
};

function parseBody(raw: Buffer): unknown {
  const text = utf8Text(raw, 'callback body');
  if (text.trim() === '') throw new ApiError('INVALID_JSON', 'callback body is empty; a JSON object is expected');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError('INVALID_JSON', `callback body is not valid JSON: ${(err as Error).message}`);
  }
}

type Applied = IngestResult | 'recent-duplicate';

/** Applies one callback's events as one atomic batch, its dedupe key (scoped by app) as batch id. */
async function apply(ctx: RestContext, t: TranslatedCallback, recent: RecentDeliveries, recentKey: string | undefined): Promise<Applied> {
  const sdkappid = t.events[0]!.sdkappid;
  if (recentKey !== undefined && recent.has(recentKey, ctx.nowMs())) return 'recent-duplicate';
  const values = t.events.map((value, i) => ({ line: i + 1, value }));
  const batchId = t.dedupeKey === undefined ? undefined : `tencent:${sdkappid}:${t.dedupeKey}`;
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await ctx.ingestor.ingest(values, { sdkappid, batchId });
      if (recentKey !== undefined) recent.add(recentKey, ctx.nowMs());
      return result;
    } catch (err) {
      const delay = STORE_RETRY_DELAYS_MS[attempt];
      if (!(err instanceof StoreError) || delay === undefined) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

type Settled<T> = { state: 'done'; value: T } | { state: 'failed'; error: unknown } | { state: 'pending' };

function settleWithin<T>(work: Promise<T>, ms: number): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ state: 'pending' }), ms);
  });
  const settled = work.then(
    (value): Settled<T> => ({ state: 'done', value }),
    (error: unknown): Settled<T> => ({ state: 'failed', error }),
  );
  return Promise.race([settled, timeout]).finally(() => clearTimeout(timer));
}

function outcomeAnswer(command: string, t: TranslatedCallback, applied: Applied): CallbackAnswer {
  if (applied === 'recent-duplicate' || applied.duplicate) return answer('OK: already applied (a retried delivery)');
  const left: ItemRejection[] = [
    ...t.rejections,
    ...applied.errors.map((e) => ({ path: `event ${e.line} (${t.events[e.line - 1]?.type ?? '?'})`, reason: e.reason })),
  ];
  if (left.length === 0) return answer();
  if (applied.accepted === 0) throw new ApiError('INVALID_JSON', `${command}: nothing could be counted: ${summary(left)}`);
  return answer(`${applied.accepted} events counted; ${summary(left)}`);
}

function summary(left: readonly ItemRejection[]): string {
  const quoted = left.slice(0, MAX_QUOTED_REASONS).map((r) => (r.reason.startsWith(r.path) ? r.reason : `${r.path}: ${r.reason}`));
  const more = left.length > MAX_QUOTED_REASONS ? `; and ${left.length - MAX_QUOTED_REASONS} more` : '';
  return `${left.length} left out: ${quoted.join('; ')}${more}`;
}

function logLost(log: FastifyBaseLogger, command: string, err: unknown): void {
  log.error({ err, command }, 'a callback answered before it was applied could not be applied');
}
