import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import proxyAddr from '@fastify/proxy-addr';
import { defaultWindow } from '../report/daily-report.js';
import type { App } from '../store/apps-repo.js';
import { dailyReportJson } from '../report/daily-report-json.js';
import { answerAtVersion } from './answer-at-version.js';
import { answerKey } from './answer-cache.js';
import { ENVELOPE_CONTENT_TYPE, SUCCESS_ENVELOPE_JSON } from './envelope.js';
import { setPreReadBody } from './pre-read-body.js';
import { queryParamsOf, userSigParam, type QueryParams } from './query-params.js';
import type { RestContext } from './rest-context.js';
import { parseGetAppInfoRequest } from './routes/getappinfo-request.js';
import { sdkAppIdOf } from './sdkappid-param.js';

/** The route the fast path serves, exactly as Fastify routes it (and its frequency bucket: the route URL). */
export const GETAPPINFO_URL = '/v4/openconfigsvr/getappinfo';

// The very query-string parser Fastify's router (find-my-way) hands Fastify's request.query,
// resolved through fastify → find-my-way, so both paths read a query string alike.
const fromRouter = createRequire(createRequire(createRequire(import.meta.url).resolve('fastify')).resolve('find-my-way'));
const parseQuery = (fromRouter('fast-querystring') as { parse: (query: string) => Record<string, unknown> }).parse;

const EMPTY = Buffer.alloc(0);

/**
 * A call that passed every check whose answer must first be read against the app's data version:
 * held but due for a check, or not held and (`full`: every field of the default window) made here.
 */
interface Due {
  readonly app: App;
  readonly key: string;
  readonly nowMs: number;
  readonly full: boolean;
}

/** Query strings whose parameters are kept (queryParamsOf of the same string is always the same map). */
const QUERY_MEMO_ENTRIES = 1024;

export interface GetAppInfoFastPathOptions {
  readonly ctx: RestContext;
  /** The largest /v4 body (bodyLimit); larger declared bodies go to Fastify, which refuses them. */
  readonly maxBodyBytes: number;
  /** The trusted-proxy test Fastify was given (trustProxy), so the brake sees the same client address. */
  readonly trusted?: (address: string, hop: number) => boolean;
  /** Called with each answered call's duration (seconds) when /metrics counts requests. */
  readonly observe?: (seconds: number) => void;
  /** Called as each call is answered here (a counter for tests). */
  readonly onAnswered?: () => void;
}

/**
 * The hot route without Fastify's per-request machinery: a getappinfo call that will succeed —
 * every check passed at once (no promise), the default 30-day window — is answered here with the
 * same bytes and headers Fastify sends, when its answer is in the AnswerCache (fresh, or still
 * matching the app's data version; any RequestField) or is the full one (every field), which is
 * then made here as the route makes it (answerAtVersion, dailyReportJson). Every other call,
 * error or unusual request goes to Fastify (`fallback`), which then runs the whole route as
 * before: the fast path answers only successes and never answers an error.
 *
 * It changes nothing before it knows it answers: the checks it runs are read-only (the brake is
 * read, not fed; a UserSig that verifies is cached, as Fastify would cache it); only then does it
 * take the frequency slot, and a refused slot is not counted (FrequencyLimiter), so Fastify
 * checking again counts the call once. The body is read here when there is one, and replayed to
 * Fastify's parser on fallback (pre-read-body.ts). Requires a limit store with synchronous answers
 * (LocalLimitStore): the caller installs it only then.
 *
 * Headers that need Fastify go to Fastify unread: a console token (Authorization), any
 * Accept-Encoding (gzip answers), Content-Encoding or chunked bodies, a body over the limit.
 */
export function getAppInfoFastPath(options: GetAppInfoFastPathOptions): (req: IncomingMessage, res: ServerResponse, fallback: RequestListener) => void {
  const { ctx, maxBodyBytes, trusted, observe, onAnswered } = options;
  // Fastify's request.ip: the socket's peer, or the nearest untrusted hop behind trusted proxies.
  const clientOf = trusted
    ? (req: IncomingMessage) => {
        const addrs = proxyAddr.all(req, trusted);
        return addrs[addrs.length - 1];
      }
    : (req: IncomingMessage) => req.socket.remoteAddress;

  // A client reusing its UserSig sends the same query string on every call: its parameters are
  // parsed once. Bounded (emptied when full), and a pure function of the string, so never stale.
  const queries = new Map<string, QueryParams>();
  const paramsOf = (url: string): QueryParams => {
    let params = queries.get(url);
    if (params === undefined) {
      params = queryParamsOf(url.length > GETAPPINFO_URL.length + 1 ? parseQuery(url.slice(GETAPPINFO_URL.length + 1)) : {});
      if (queries.size >= QUERY_MEMO_ENTRIES) queries.clear();
      queries.set(url, params);
    }
    return params;
  };
  // The default window's answer key per app, for the current whole second: a day starts on a
  // whole second in every zone, so within one second the window cannot change.
  const windows = new WeakMap<App, { second: number; key: string }>();
  const defaultKeyOf = (app: App, nowMs: number): string => {
    const second = Math.floor(nowMs / 1000);
    let w = windows.get(app);
    if (w?.second !== second) {
      w = { second, key: answerKey(defaultWindow(app, nowMs), undefined) };
      windows.set(app, w);
    }
    return w.key;
  };

  /**
   * What this call gets: the fresh cached answer (its frequency slot taken); a Due when every
   * check passed and the answer, held or full, must first be read against the app's data version;
   * undefined when Fastify must answer it.
   */
  function answerNow(req: IncomingMessage, body: Buffer): Buffer | Due | undefined {
    const params = paramsOf(req.url!);
    const rawId = params.get('sdkappid')?.trim();
    const token = userSigParam(params);
    const identifier = params.get('identifier');
    if (!rawId || !token || identifier === undefined) return undefined;
    const sdkappid = sdkAppIdOf(rawId);
    if (sdkappid === undefined) return undefined;
    const app = ctx.apps.getNow(sdkappid);
    if (app instanceof Promise) {
      // Fastify asks again (the load is shared); a failure is its to answer, not an unhandled rejection here.
      app.catch(() => {});
      return undefined;
    }
    if (app === undefined || app.secretKey === null || !app.enabled || !app.admins.includes(identifier)) return undefined;
    const nowMs = ctx.nowMs();
    const verifyOptions = { token, sdkappid: app.sdkappid, identifier, key: app.secretKey, nowSeconds: Math.floor(nowMs / 1000) };
    const braked = ctx.brake.brakedNow({ client: clientOf(req) ?? '', sdkappid: rawId, identifier });
    if (braked instanceof Promise) {
      braked.catch(() => {});
      return undefined;
    }
    // A braked caller passes only with this exact UserSig already verified (authenticate.ts).
    if (braked !== undefined && !ctx.userSigs.holds(verifyOptions)) return undefined;
    try {
      ctx.userSigs.verify(verifyOptions);
    } catch {
      // Fastify verifies again, feeds the brake and answers the failure.
      return undefined;
    }
    let fields: readonly string[] | undefined;
    try {
      const asked = parseGetAppInfoRequest(body);
      if (asked.range) return undefined;
      fields = asked.fields;
    } catch {
      return undefined;
    }
    const key = fields === undefined ? defaultKeyOf(app, nowMs) : answerKey(defaultWindow(app, nowMs), fields);
    const answer = ctx.answers.fresh(app, key, nowMs);
    if (answer === undefined) return fields === undefined || ctx.answers.holds(app, key) ? { app, key, nowMs, full: fields === undefined } : undefined;
    return admitted(app) ? answer : undefined;
  }

  // The one step that changes state; a refusal is not counted, and Fastify answers it (60007).
  const admitted = (app: App) => ctx.frequency.takeNow(`${app.sdkappid} ${GETAPPINFO_URL}`) === true;

  const send = (res: ServerResponse, answer: Buffer, startedAt: number) => {
    // Fastify's headers for this answer, in its order (content-type from the /v4 onSend hook, then content-length).
    res.writeHead(200, { 'content-type': ENVELOPE_CONTENT_TYPE, 'content-length': String(answer.length) });
    res.end(answer);
    onAnswered?.();
    if (observe) res.once('finish', () => observe((performance.now() - startedAt) / 1000));
  };

  function finish(req: IncomingMessage, res: ServerResponse, body: Buffer, fallback: RequestListener, startedAt: number): void {
    const handOver = () => {
      if (body.length > 0) setPreReadBody(req, body);
      fallback(req, res);
    };
    const answer = answerNow(req, body);
    if (answer === undefined) return handOver();
    if (Buffer.isBuffer(answer)) return send(res, answer, startedAt);
    // Due: the route would read the app's data version, serve the answer held for it or make the
    // full answer (dailyReportJson); so does this, without Fastify. A subset of fields not held, a
    // refused slot or a failed read goes to Fastify, which answers it whole.
    const due = answer;
    answerAtVersion(ctx, due.app, due.key, due.nowMs, due.full ? () => dailyReportJson(ctx.stats, due.app, defaultWindow(due.app, due.nowMs), SUCCESS_ENVELOPE_JSON) : undefined).then(
      (body) => {
        if (body !== undefined && admitted(due.app)) send(res, body, startedAt);
        else handOver();
      },
      () => handOver(),
    );
  }

  return (req, res, fallback) => {
    const url = req.url;
    const headers = req.headers;
    if (
      req.method !== 'POST' ||
      url === undefined ||
      !url.startsWith(GETAPPINFO_URL) ||
      (url.length > GETAPPINFO_URL.length && url.charCodeAt(GETAPPINFO_URL.length) !== 0x3f) || // '?'
      headers.authorization !== undefined ||
      headers['accept-encoding'] !== undefined ||
      headers['content-encoding'] !== undefined ||
      headers['transfer-encoding'] !== undefined ||
      headers['x-no-compression'] !== undefined
    ) {
      fallback(req, res);
      return;
    }
    const declared = headers['content-length'] === undefined ? 0 : Number(headers['content-length']);
    if (!(declared <= maxBodyBytes)) {
      fallback(req, res);
      return;
    }
    const startedAt = observe ? performance.now() : 0;
    if (declared === 0) {
      finish(req, res, EMPTY, fallback, startedAt);
      return;
    }
    // Node's parser delivers exactly Content-Length bytes; a client gone mid-body leaves nothing to answer.
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => finish(req, res, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), fallback, startedAt));
  };
}
