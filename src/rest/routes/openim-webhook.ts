import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { translateWebhook, WEBHOOK_TRANSLATORS, type TranslatedWebhook } from '../../events/adapters/openim-webhook/index.js';
import { KeyedSerialQueue, RecentDeliveries, type ItemRejection } from '../../events/adapters/tencent-callback/index.js';
import type { IngestResult } from '../../ingest/ingestor.js';
import { OpenImWebhooksRepo, openImSecretMatches, type OpenImWebhookConfig } from '../../store/openim-webhooks-repo.js';
import { StoreError } from '../../store/store-error.js';
import { ApiError, ERROR_CODES } from '../error-codes.js';
import { errorResponse } from '../error-response.js';
import { rawBodyOf, utf8Text } from '../raw-body.js';
import type { RestContext } from '../rest-context.js';
import type { RestRoute } from './index.js';

/**
 * How long an answer waits for its webhook to be stored: 3 s. OpenIM waits `timeout` seconds per
 * webhook (webhooks.yml, 5 by default) and its HTTP client 15 s at most.
 */
export const OPENIM_ANSWER_BUDGET_MS = 3000;
/** Largest webhook body: 8 MiB (an offline push to a 100,000-member group lists every recipient). */
export const MAX_OPENIM_BODY_BYTES = 8 * 1024 * 1024;
/** Webhooks queued or being applied at most, all apps together; beyond, refused (60007). */
export const MAX_PENDING_OPENIM_WEBHOOKS = 10_000;
/** How long an app's settings are reused before they are read again: 5 s (a rotated secret takes effect within it). */
export const OPENIM_SETTINGS_TTL_MS = 5000;
const STORE_RETRY_DELAYS_MS = [250, 1000];
const MAX_QUOTED_REASONS = 3;
const SDKAPPID = /^[1-9]\d{0,15}$/;

/**
 * OpenIM's `CommonCallbackResp`, keys in byte-wise order. OpenIM stops the user's action only when
 * `actionCode` is 0 and `nextCode` is 1 (`CommonCallbackResp.Parse`); imstats never asks that.
 * Failures say `actionCode` 1 with one of our error codes in `errCode`, `nextCode` 0, so OpenIM
 * logs them and carries on: a statistics service must never block a message.
 */
export interface OpenImAnswer {
  readonly actionCode: 0 | 1;
  readonly errCode: number;
  readonly errDlt: string;
  readonly errMsg: string;
  readonly nextCode: 0;
}

const success = (detail = ''): OpenImAnswer => ({ actionCode: 0, errCode: 0, errDlt: detail, errMsg: '', nextCode: 0 });
const failure = (code: number, message: string): OpenImAnswer => ({ actionCode: 1, errCode: code, errDlt: '', errMsg: message, nextCode: 0 });

function sendFailure(request: FastifyRequest, reply: FastifyReply, err: unknown): void {
  const response = errorResponse(err);
  if (response.log === 'error') request.log.error({ err }, 'OpenIM webhook failed');
  void reply.code(200).send(failure(response.code, response.info));
}

interface Params {
  readonly sdkappid: string;
  readonly secret: string;
  readonly command: string;
}

/**
 * `POST /v4/imstats/openim/<SDKAppID>/<secret>/<command>`: OpenIM's webhooks (it posts each to
 * its configured `url` + `/` + the command name). The secret in the path is the app's (set with
 * `imstats app openim set`), compared by hash; an allow-list of source addresses, when set, is
 * checked first. Counted webhooks become canonical events (see events/adapters/openim-webhook)
 * applied as one atomic batch each, in arrival order per app; the answer says success only once
 * the batch is committed, or fails with 130010 after OPENIM_ANSWER_BUDGET_MS (the batch still
 * goes on). Before-events and commands we do not count are answered success at once. Retried
 * deliveries count once: by the delivery's identity kept as an applied batch id (durable, for the
 * retention window), or, when the body has none, by the identical body within 10 minutes.
 */
export const openImWebhookRoute: RestRoute = async (fastify, ctx) => {
  const repo = new OpenImWebhooksRepo(ctx.store);
  const settings = new Map<number, { readonly config: OpenImWebhookConfig | undefined; readonly expires: number }>();
  const queue = new KeyedSerialQueue<number>(MAX_PENDING_OPENIM_WEBHOOKS);
  const recent = new RecentDeliveries();
  fastify.addHook('onClose', async () => queue.drained());

  const settingsOf = async (sdkappid: number): Promise<OpenImWebhookConfig | undefined> => {
    const now = ctx.nowMs();
    const cached = settings.get(sdkappid);
    if (cached && cached.expires > now) return cached.config;
    const config = await repo.get(sdkappid);
    if (settings.size >= 10_000) settings.clear();
    settings.set(sdkappid, { config, expires: now + OPENIM_SETTINGS_TTL_MS });
    return config;
  };

  fastify.post<{ Params: Params }>(
    '/imstats/openim/:sdkappid/:secret/:command',
    {
      config: { auth: 'none', maxBodyBytes: MAX_OPENIM_BODY_BYTES },
      errorHandler: (err, request, reply) => sendFailure(request, reply, err),
    },
    async (request): Promise<OpenImAnswer> => {
      const { sdkappid: rawId, secret, command } = request.params;
      const app = SDKAPPID.test(rawId) ? await ctx.apps.get(Number(rawId)) : undefined;
      if (!app) throw new ApiError('UNKNOWN_SDKAPPID', `SDKAppID ${JSON.stringify(rawId.slice(0, 40))} does not exist`);
      if (!app.enabled) throw new ApiError('APP_DISABLED', `SDKAppID ${app.sdkappid} is disabled`);
      const config = await settingsOf(app.sdkappid);
      if (!config) throw new ApiError('OPENIM_BAD_SECRET', `app ${app.sdkappid} has no OpenIM webhook secret yet`);
      if (!config.allowedSources.allows(request.ip)) throw new ApiError('OPENIM_SOURCE_NOT_ALLOWED', `${request.ip} is not allowed`);
      if (!openImSecretMatches(config, secret)) throw new ApiError('OPENIM_BAD_SECRET');
      if (!WEBHOOK_TRANSLATORS.has(command)) return success(`ignored: ${JSON.stringify(command.slice(0, 80))} is not counted`);

      const arrivalMs = ctx.nowMs();
      const raw = rawBodyOf(request);
      const header = request.headers.operationid;
      const operationId = typeof header === 'string' ? header : undefined;
      const t = translateWebhook({ sdkappid: app.sdkappid, command, body: parseBody(raw), arrivalMs, operationId, pushVendor: config.pushVendor });
      if (t.kind === 'ignored') return success(`ignored: ${t.reason}`);
      if (t.kind === 'malformed') {
        request.log.warn({ command, reason: t.error.message }, 'malformed OpenIM webhook');
        throw new ApiError('INVALID_JSON', `${command} body: ${t.error.message}`);
      }
      if (t.events.length === 0) {
        if (t.rejections.length > 0) throw new ApiError('INVALID_JSON', `${command} body: ${summary(t.rejections)}`);
        return success();
      }
      // Without an identity in the body, an identical body shortly before is the same delivery.
      const recentKey = t.dedupeKey === undefined ? `${app.sdkappid}:${command}:${createHash('sha256').update(raw).digest('base64url')}` : undefined;
      const work = queue.run(app.sdkappid, () => apply(ctx, t, recent, recentKey));
      if (!work) throw new ApiError('RATE_LIMITED', `${MAX_PENDING_OPENIM_WEBHOOKS} webhooks are waiting to be applied`);
      const outcome = await settleWithin(work, OPENIM_ANSWER_BUDGET_MS);
      if (outcome.state === 'pending') {
        work.catch((err: unknown) => request.log.error({ err, command }, 'an OpenIM webhook could not be applied'));
        throw new ApiError('DB_PING', `not stored within ${OPENIM_ANSWER_BUDGET_MS / 1000} s; it is still being applied`);
      }
      if (outcome.state === 'failed') throw outcome.error;
      return outcomeAnswer(command, t, outcome.value);
    },
  );
};

function parseBody(raw: Buffer): unknown {
  const text = utf8Text(raw, 'webhook body');
  if (text.trim() === '') throw new ApiError('INVALID_JSON', 'webhook body is empty; a JSON object is expected');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError('INVALID_JSON', `webhook body is not valid JSON: ${(err as Error).message}`);
  }
}

type Applied = IngestResult | 'recent-duplicate';

/** Applies one webhook's events as one atomic batch, its dedupe key (scoped by app) as batch id. */
async function apply(ctx: RestContext, t: TranslatedWebhook, recent: RecentDeliveries, recentKey: string | undefined): Promise<Applied> {
  const sdkappid = t.events[0]!.sdkappid;
  if (recentKey !== undefined && recent.has(recentKey, ctx.nowMs())) return 'recent-duplicate';
  const values = t.events.map((value, i) => ({ line: i + 1, value }));
  const batchId = t.dedupeKey === undefined ? undefined : `openim:${sdkappid}:${t.dedupeKey}`;
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

function outcomeAnswer(command: string, t: TranslatedWebhook, applied: Applied): OpenImAnswer {
  if (applied === 'recent-duplicate' || applied.duplicate) return success('already applied (a retried delivery)');
  const left: ItemRejection[] = [
    ...t.rejections,
    ...applied.errors.map((e) => ({ path: `event ${e.line} (${t.events[e.line - 1]?.type ?? '?'})`, reason: e.reason })),
  ];
  if (left.length === 0) return success();
  if (applied.accepted === 0) return failure(ERROR_CODES.INVALID_JSON.code, `${ERROR_CODES.INVALID_JSON.info}: ${command}: nothing could be counted: ${summary(left)}`);
  return success(`${applied.accepted} events counted; ${summary(left)}`);
}

function summary(left: readonly ItemRejection[]): string {
  const quoted = left.slice(0, MAX_QUOTED_REASONS).map((r) => (r.reason.startsWith(r.path) ? r.reason : `${r.path}: ${r.reason}`));
  const more = left.length > MAX_QUOTED_REASONS ? `; and ${left.length - MAX_QUOTED_REASONS} more` : '';
  return `${left.length} left out: ${quoted.join('; ')}${more}`;
}
