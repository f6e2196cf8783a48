import { parseEventsBody } from '../../events/parse-ndjson.js';
import { callerOf, requireUserSig } from '../authenticate.js';
import { ApiError } from '../error-codes.js';
import { rawBodyOf, utf8Text } from '../raw-body.js';
import type { RestRoute } from './index.js';

/** Rejected lines listed in one answer at most; `Rejected` still counts them all. */
export const MAX_REPORTED_ERRORS = 100;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

/**
 * `POST /v4/imstats/ingest`: canonical events (NDJSON or a JSON array) for the signed-in app,
 * applied as one atomic batch. Bad lines are reported by line number and the rest still count.
 * With an `Idempotency-Key` header a batch sent twice is applied once. When the database fails the
 * answer is 1300xx and the sender retries: the batch was not applied, except when the connection
 * broke while committing (130010), where it may have been — so retry with the same key.
 */
export const ingestRoute: RestRoute = async (fastify, ctx) => {
  fastify.post('/imstats/ingest', { preHandler: requireUserSig(ctx), config: { frequencyLimit: false } }, async (request) => {
    const { app } = callerOf(request);
    const text = utf8Text(rawBodyOf(request));
    const key = request.headers['idempotency-key'];
    if (key !== undefined && (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key))) {
      throw new ApiError('INVALID_JSON', 'Idempotency-Key must be 1–128 printable ASCII characters');
    }
    const parsed = parseEventsBody(text);
    const result = await ctx.ingestor.ingest(
      parsed.values,
      { sdkappid: app.sdkappid, batchId: key === undefined ? undefined : `http:${app.sdkappid}:${key}` },
      parsed.rejections,
    );
    // Keys in byte-wise order, as every answer of this API.
    return {
      Accepted: result.accepted,
      ActionStatus: 'OK',
      Duplicate: result.duplicate,
      ErrorCode: 0,
      ErrorInfo: result.duplicate ? 'OK: batch already applied' : 'OK',
      Errors: result.errors.slice(0, MAX_REPORTED_ERRORS).map((e) => ({ Line: e.line, Reason: e.reason })),
      Rejected: result.rejected,
    };
  });
};
