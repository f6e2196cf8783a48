import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { OPENIM_TRANSPORT, translateWebhook, WEBHOOK_TRANSLATORS } from '../../events/adapters/openim-webhook/index.js';
import { dedupeKey } from '../../events/adapters/tencent-callback/dedupe-key.js';
import type { ItemRejection } from '../../events/adapters/tencent-callback/index.js';
import { validateEvent } from '../../events/validate-event.js';
import { OpenImWebhooksRepo, openImSecretMatches, type OpenImWebhookConfig } from '../../store/openim-webhooks-repo.js';
import type { App } from '../../store/apps-repo.js';
import { ApiError } from '../error-codes.js';
import { errorResponse } from '../error-response.js';
import { rawBodyOf, utf8Text } from '../raw-body.js';
import { sdkAppIdOf } from '../sdkappid-param.js';
import type { RestRoute } from './index.js';

/**
 * How long an answer waits, once the webhook is stored, for it to be applied (to report what
 * counted): 1.5 s. OpenIM waits `timeout` seconds per webhook (webhooks.yml, 5 by default).
 */
export const OPENIM_ANSWER_BUDGET_MS = 1500;
/** Largest webhook body: 8 MiB (an offline push to a 100,000-member group lists every recipient). */
export const MAX_OPENIM_BODY_BYTES = 8 * 1024 * 1024;
/** How long a body without an identity is taken for a retry of an identical body: 10 minutes. */
export const OPENIM_SAME_BODY_WINDOW_MS = 10 * 60_000;
/** How long an app's settings are reused before they are read again: 5 s (a rotated secret takes effect within it). */
export const OPENIM_SETTINGS_TTL_MS = 5000;
const MAX_QUOTED_REASONS = 3;

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

/** A webhook let in by its URL and source address. */
interface Admitted {
  readonly app: App;
  readonly config: OpenImWebhookConfig;
}

/**
 * `POST /v4/imstats/openim/<SDKAppID>/<secret>/<command>`: OpenIM's webhooks (it posts each to
 * its configured `url` + `/` + the command name). The secret in the path is the app's (set with
 * `imstats app openim set`), compared by hash; an allow-list of source addresses, when set, is
 * checked first. These checks run before the body is read (a stranger cannot make the server
 * buffer 8 MiB), and the bodies being received share the callback receiver's memory budget. A counted webhook is translated (see events/adapters/openim-webhook) and, when
 * something in it can count, stored in the callback inbox (committed) before the answer says
 * success; the inbox is applied per app in arrival order, exactly once, by whichever node gets to
 * it. The answer waits OPENIM_ANSWER_BUDGET_MS at most for that, to report what counted. When the
 * database cannot store it the answer is a failure (1300xx). Before-events and commands we do not
 * count are answered success at once. Retried deliveries count once: by the delivery's identity
 * (serverMsgID, the operationID, a status change's seq…) kept with the applied batches, or, when
 * nothing identifies it, by the identical body within OPENIM_SAME_BODY_WINDOW_MS.
 */
export const openImWebhookRoute: RestRoute = async (fastify, ctx) => {
  const repo = new OpenImWebhooksRepo(ctx.store);
  // Expiry by the route's clock (tests move it), not lru-cache's own ttl.
  const settings = new LRUCache<number, { readonly config: OpenImWebhookConfig | undefined; readonly expires: number }>({ max: 10_000 });

  const settingsOf = async (sdkappid: number): Promise<OpenImWebhookConfig | undefined> => {
    const now = ctx.nowMs();
    const cached = settings.get(sdkappid);
    if (cached && cached.expires > now) return cached.config;
    const config = await repo.get(sdkappid);
    settings.set(sdkappid, { config, expires: now + OPENIM_SETTINGS_TTL_MS });
    return config;
  };

  /** Everything the URL and the source address can tell, checked before a byte of the (up to 8 MiB) body is read. */
  const admit = async (request: FastifyRequest<{ Params: Params }>): Promise<Admitted> => {
    const { sdkappid: rawId, secret } = request.params;
    const sdkappid = sdkAppIdOf(rawId);
    const app = sdkappid === undefined ? undefined : await ctx.apps.get(sdkappid);
    if (!app) throw new ApiError('UNKNOWN_SDKAPPID', `SDKAppID ${JSON.stringify(rawId.slice(0, 40))} does not exist`);
    if (!app.enabled) throw new ApiError('APP_DISABLED', `SDKAppID ${app.sdkappid} is disabled`);
    const config = await settingsOf(app.sdkappid);
    if (!config) throw new ApiError('OPENIM_BAD_SECRET', `app ${app.sdkappid} has no OpenIM webhook secret yet`);
    if (!config.allowedSources.allows(request.ip)) throw new ApiError('OPENIM_SOURCE_NOT_ALLOWED', `${request.ip} is not allowed`);
    if (!openImSecretMatches(config, secret)) throw new ApiError('OPENIM_BAD_SECRET');
    return { app, config };
  };
  const admitted = new WeakMap<FastifyRequest, Admitted>();

  fastify.post<{ Params: Params }>(
    '/imstats/openim/:sdkappid/:secret/:command',
    {
      // Bodies share the callback receiver's memory budget (60007 when full, OpenIM logs it and carries on).
      config: { auth: 'none', maxBodyBytes: MAX_OPENIM_BODY_BYTES, bodyBudget: ctx.callbackBodies },
      preParsing: async (request, _reply, payload) => {
        admitted.set(request, await admit(request));
        return payload;
      },
      errorHandler: (err, request, reply) => sendFailure(request, reply, err),
    },
    async (request): Promise<OpenImAnswer> => {
      const { command } = request.params;
      const found = admitted.get(request);
      if (!found) throw new Error('OpenIM admission did not run (route without its preParsing hook)');
      const { app, config } = found;
      if (!WEBHOOK_TRANSLATORS.has(command)) return success(`ignored: ${JSON.stringify(command.slice(0, 80))} is not counted`);

      const arrivalMs = ctx.nowMs();
      const raw = rawBodyOf(request);
      const header = request.headers.operationid;
      const operationId = typeof header === 'string' && header !== '' ? header.slice(0, 200) : undefined;
      const text = utf8Text(raw, 'webhook body');
      const t = translateWebhook({ sdkappid: app.sdkappid, command, body: parseBody(text), arrivalMs, operationId, pushVendor: config.pushVendor });
      if (t.kind === 'ignored') return success(`ignored: ${t.reason}`);
      if (t.kind === 'malformed') {
        request.log.warn({ command, reason: t.error.message }, 'malformed OpenIM webhook');
        throw new ApiError('INVALID_JSON', `${command} body: ${t.error.message}`);
      }
      if (t.events.length === 0) {
        if (t.rejections.length > 0) throw new ApiError('INVALID_JSON', `${command} body: ${summary(t.rejections)}`);
        return success();
      }
      // Checked before storing, so OpenIM's log shows at once what cannot count (pure: the drainer validates again).
      const validation = { nowMs: arrivalMs, retentionDays: ctx.retentionDays, defaultSdkappid: app.sdkappid };
      const invalid: ItemRejection[] = [];
      t.events.forEach((e, i) => {
        const v = validateEvent({ ...e }, validation);
        if (!v.ok) invalid.push({ path: `event ${i + 1} (${e.type})`, reason: v.reason });
      });
      const left = [...t.rejections, ...invalid];
      if (invalid.length === t.events.length) throw new ApiError('INVALID_JSON', `${command}: nothing could be counted: ${summary(left)}`);

      // Without an identity, an identical body within the window is the same delivery.
      const sameBody = t.dedupeKey === undefined;
      const id = await ctx.inbox.add({
        sdkappid: app.sdkappid,
        transport: OPENIM_TRANSPORT,
        receivedAt: arrivalMs,
        meta: { command, operationId: operationId ?? null, pushVendor: config.pushVendor },
        payload: text,
        dedupeKey: sameBody ? dedupeKey('same-body', [command, createHash('sha256').update(raw).digest('base64url')]) : t.dedupeKey,
        ...(sameBody ? { dedupeWindowMs: OPENIM_SAME_BODY_WINDOW_MS } : {}),
      });
      const outcome = ctx.drainer.outcomeWithin(id, OPENIM_ANSWER_BUDGET_MS);
      void ctx.drainer.kick(app.sdkappid);
      const applied = await outcome;
      if (applied === undefined) return success(withLeft('stored; being applied', left));
      if (!applied.applied) return success('already applied (a retried delivery)');
      return success(withLeft(left.length === 0 ? '' : `${applied.result.accepted} events counted`, left));
    },
  );
};

function withLeft(info: string, left: readonly ItemRejection[]): string {
  if (left.length === 0) return info;
  return info === '' ? summary(left) : `${info}; ${summary(left)}`;
}

function parseBody(text: string): unknown {
  if (text.trim() === '') throw new ApiError('INVALID_JSON', 'webhook body is empty; a JSON object is expected');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError('INVALID_JSON', `webhook body is not valid JSON: ${(err as Error).message}`);
  }
}

function summary(left: readonly ItemRejection[]): string {
  const quoted = left.slice(0, MAX_QUOTED_REASONS).map((r) => (r.reason.startsWith(r.path) ? r.reason : `${r.path}: ${r.reason}`));
  const more = left.length > MAX_QUOTED_REASONS ? `; and ${left.length - MAX_QUOTED_REASONS} more` : '';
  return `${left.length} left out: ${quoted.join('; ')}${more}`;
}
