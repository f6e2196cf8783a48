// Tests only: getappinfo over real HTTP, signed with Tencent's own library (tls-sig-api-v2).
import { withOfficialNodeLibrary } from '../support/official-node-usersig.js';

export interface Envelope {
  readonly ActionStatus: string;
  readonly ErrorCode: number;
  readonly ErrorInfo: string;
  readonly Result?: Record<string, string>[];
}

export interface GetAppInfoTarget {
  /** Base URL of the server, e.g. `http://127.0.0.1:40123`. */
  readonly baseUrl: string;
  readonly sdkappid: number;
  readonly key: string;
}

/** Calls getappinfo as `administrator` and checks what every answer must be (HTTP 200, JSON envelope). */
export async function getAppInfo(target: GetAppInfoTarget, body: object = {}): Promise<Envelope> {
  return callSigned(target, '/v4/openconfigsvr/getappinfo', body);
}

/** Calls getstats as `administrator` (the same checks). */
export async function getStats(target: GetAppInfoTarget, body: object = {}): Promise<Envelope> {
  return callSigned(target, '/v4/imstats/getstats', body);
}

async function callSigned(target: GetAppInfoTarget, path: string, body: object): Promise<Envelope> {
  const usersig = withOfficialNodeLibrary(target.sdkappid, target.key, Math.floor(Date.now() / 1000), (api) =>
    api.genUserSig('administrator', 86_400),
  );
  const query = new URLSearchParams({
    sdkappid: String(target.sdkappid),
    identifier: 'administrator',
    usersig,
    random: String(Math.floor(Math.random() * 2 ** 32)),
    contenttype: 'json',
  });
  const res = await fetch(`${target.baseUrl}${path}?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}: ${text}`);
  if (res.headers.get('content-type') !== 'application/json') throw new Error(`${path}: Content-Type ${res.headers.get('content-type')}`);
  const envelope = JSON.parse(text) as Envelope;
  if (typeof envelope.ErrorCode !== 'number' || typeof envelope.ActionStatus !== 'string' || typeof envelope.ErrorInfo !== 'string') {
    throw new Error(`${path}: not an envelope: ${text}`);
  }
  return envelope;
}
