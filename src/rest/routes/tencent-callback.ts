import { createHash } from 'node:crypto';
import {
  CALLBACK_TRANSLATORS,
  TENCENT_TRANSPORT,
  translateCallback,
  verifyCallbackSign,
  type ItemRejection,
} from '../../events/adapters/tencent-callback/index.js';
import { dedupeKey } from '../../events/adapters/tencent-callback/dedupe-key.js';
import { validateEvent } from '../../events/validate-event.js';
import { ApiError } from '../error-codes.js';
import { queryParams } from '../query-params.js';
import { rawBodyOf, utf8Text } from '../raw-body.js';
import type { RestRoute } from './index.js';

/** How long an answer waits for its stored callback to be applied before answering anyway: 1.5 s (Tencent gives up at 2 s). */
export const CALLBACK_ANSWER_BUDGET_MS = 1500;
/** Largest callback body: 16 MiB (a Push.OfflinePush batch of 10,000 events is about 3 MiB). */
export const MAX_CALLBACK_BODY_BYTES = 16 * 1024 * 1024;
/** How long a body without an identity is taken for a retry of an identical body: 10 minutes (Tencent retries within seconds). */
export const SAME_BODY_WINDOW_MS = 10 * 60_000;
/** Reasons quoted in one ErrorInfo at most; the count says how many there were. */
const MAX_QUOTED_REASONS = 3;

const SDKAPPID = /^[1-9]\d{0,15}$/;

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
 * OK/0 (a non-zero code would make Tencent block the user's action).
 *
 * ErrorCode 0 for a counted callback means it is durably stored: the body goes into the callback
 * inbox (committed) before the answer, and the inbox is applied per app in arrival order, exactly
 * once, by whichever node gets to it (InboxDrainer; a restarted node drains what was left). The
 * answer waits for the application at most CALLBACK_ANSWER_BUDGET_MS, to report what counted.
 * When the database cannot store it the answer is 1300xx and Tencent retries. Retried deliveries
 * count once: by the body's identity (MsgKey, GroupId+MsgSeq, …) kept with the applied batches,
 * or, for bodies without one, by the identical body within SAME_BODY_WINDOW_MS — in the database,
 * so across restarts and nodes.
 */
export const tencentCallbackRoute: RestRoute = async (fastify, ctx) => {
  fastify.post('/imstats/callback', { config: { auth: 'none', maxBodyBytes: MAX_CALLBACK_BODY_BYTES } }, async (request): Promise<CallbackAnswer> => {
    const params = queryParams(request);
    const rawId = params.get('sdkappid')?.trim();
    if (!rawId) throw new ApiError('MISSING_SDKAPPID', 'SdkAppid is missing from the query string');
    const app = SDKAPPID.test(rawId) ? await ctx.apps.get(Number(rawId)) : undefined;
    if (!app) throw new ApiError('UNKNOWN_SDKAPPID', `SDKAppID ${JSON.stringify(rawId.slice(0, 40))} does not exist`);
    if (!app.enabled) throw new ApiError('APP_DISABLED', `SDKAppID ${app.sdkappid} is disabled`);
    const arrivalMs = ctx.nowMs();
    if (app.callbackToken !== null) {
      const check = verifyCallbackSign({ token: app.callbackToken, requestTime: params.get('requesttime'), sign: params.get('sign'), nowMs: arrivalMs });
      if (!check.ok) throw new ApiError(check.failure.endsWith('sign') ? 'CALLBACK_BAD_SIGN' : 'CALLBACK_BAD_REQUEST_TIME', check.message);
    }
    const command = params.get('callbackcommand')?.trim();
    if (!command) throw new ApiError('UNKNOWN_COMMAND', 'CallbackCommand is missing from the query string');
    if (!CALLBACK_TRANSLATORS.has(command)) return answer(`ignored: CallbackCommand ${JSON.stringify(command.slice(0, 80))} is not counted`);

    const raw = rawBodyOf(request);
    const text = utf8Text(raw, 'callback body');
    const optPlatform = params.get('optplatform');
    const translation = translateCallback({ sdkappid: app.sdkappid, command, optPlatform, body: parseBody(text), arrivalMs });
    if (translation.kind === 'ignored') return answer(`ignored: ${translation.reason}`);
    if (translation.kind === 'malformed') throw new ApiError('INVALID_JSON', `${command} body: ${translation.error.message}`);
    if (translation.events.length === 0) {
      if (translation.rejections.length > 0) throw new ApiError('INVALID_JSON', `${command} body: ${summary(translation.rejections)}`);
      return answer();
    }
    // Checked here, before storing, so the sender learns at once of what cannot count (pure: the
    // drainer validates the same events again).
    const validation = { nowMs: arrivalMs, retentionDays: ctx.retentionDays, defaultSdkappid: app.sdkappid };
    const invalid: ItemRejection[] = [];
    translation.events.forEach((e, i) => {
      const v = validateEvent({ ...e }, validation);
      if (!v.ok) invalid.push({ path: `event ${i + 1} (${e.type})`, reason: v.reason });
    });
    const left = [...translation.rejections, ...invalid];
    if (invalid.length === translation.events.length) throw new ApiError('INVALID_JSON', `${command}: nothing could be counted: ${summary(left)}`);

    // Without an identity in the body, an identical body within the window is the same delivery.
    const sameBody = translation.dedupeKey === undefined;
    const id = await ctx.inbox.add({
      sdkappid: app.sdkappid,
      transport: TENCENT_TRANSPORT,
      receivedAt: arrivalMs,
      meta: { command, optPlatform: optPlatform ?? null },
      payload: text,
      dedupeKey: sameBody ? dedupeKey('same-body', [command, createHash('sha256').update(raw).digest('base64url')]) : translation.dedupeKey,
      ...(sameBody ? { dedupeWindowMs: SAME_BODY_WINDOW_MS } : {}),
    });
    const outcome = ctx.drainer.outcomeWithin(id, CALLBACK_ANSWER_BUDGET_MS);
    void ctx.drainer.kick(app.sdkappid);
    const applied = await outcome;
    if (applied === undefined) return answer(withLeft('stored; being applied', left));
    if (!applied.applied) return answer('OK: already applied (a retried delivery)');
    return answer(withLeft(left.length === 0 ? '' : `${applied.result.accepted} events counted`, left));
  });
};

function withLeft(info: string, left: readonly ItemRejection[]): string {
  if (left.length === 0) return info;
  return info === '' ? summary(left) : `${info}; ${summary(left)}`;
}

function parseBody(text: string): unknown {
  if (text.trim() === '') throw new ApiError('INVALID_JSON', 'callback body is empty; a JSON object is expected');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError('INVALID_JSON', `callback body is not valid JSON: ${(err as Error).message}`);
  }
}

function summary(left: readonly ItemRejection[]): string {
  const quoted = left.slice(0, MAX_QUOTED_REASONS).map((r) => (r.reason.startsWith(r.path) ? r.reason : `${r.path}: ${r.reason}`));
  const more = left.length > MAX_QUOTED_REASONS ? `; and ${left.length - MAX_QUOTED_REASONS} more` : '';
  return `${left.length} left out: ${quoted.join('; ')}${more}`;
}
