// @ts-check
// Every number on the page comes through here: the /v4 API over HTTP with the console token.

const TOKEN_KEY = 'imstats.console.token';

/** The signed-in token (kept for this browser session only), or null. */
export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** @param {string} token */
export function setToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** A failed API call: the envelope's ErrorCode and ErrorInfo (or an HTTP/network problem as 0). */
export class ApiFailure extends Error {
  /** @param {number} code @param {string} info */
  constructor(code, info) {
    super(`${info} (ErrorCode ${code})`);
    this.code = code;
    this.info = info;
  }
}

/** ErrorCodes that mean the token itself is no good (70080) or is braked (70050). */
export const TOKEN_REFUSED = new Set([70080, 70050]);

/**
 * Calls the API with the token. `query` is added to the URL (getappinfo and getstats name the
 * app as `sdkappid`); `body` is sent as JSON. Resolves to the envelope when ErrorCode is 0.
 * @param {string} path
 * @param {{ method?: string, query?: Record<string, string>, body?: unknown }} [options]
 * @returns {Promise<any>}
 */
export async function callApi(path, options = {}) {
  const token = getToken();
  if (!token) throw new ApiFailure(70080, 'not signed in');
  const params = new URLSearchParams({ ...options.query, random: String(Math.floor(Math.random() * 4294967295)), contenttype: 'json' });
  /** @type {Response} */
  let response;
  try {
    response = await fetch(`${path}?${params}`, {
      method: options.method ?? 'POST',
      headers: { authorization: `Bearer ${token}`, ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      cache: 'no-store',
    });
  } catch (err) {
    throw new ApiFailure(0, `the server cannot be reached (${err instanceof Error ? err.message : String(err)})`);
  }
  let envelope;
  try {
    envelope = await response.json();
  } catch {
    throw new ApiFailure(0, `unexpected answer (HTTP ${response.status})`);
  }
  if (envelope.ErrorCode !== 0) throw new ApiFailure(envelope.ErrorCode, envelope.ErrorInfo ?? 'unknown error');
  return envelope;
}

/** @returns {Promise<{SDKAppID: string, AppName: string, Company: string, TimeZone: string, Enabled: string}[]>} */
export async function listApps() {
  return (await callApi('/v4/imstats/apps', { method: 'GET' })).Apps;
}

/**
 * getappinfo for one app: rows newest first, as the API answers.
 * @param {string} sdkappid @param {Record<string, unknown>} body
 * @returns {Promise<Record<string, string>[]>}
 */
export async function getAppInfo(sdkappid, body) {
  return (await callApi('/v4/openconfigsvr/getappinfo', { query: { sdkappid }, body })).Result;
}

/**
 * getstats for one app: the whole envelope (Result oldest first, AsOf, TimeZone, Grain).
 * @param {string} sdkappid @param {Record<string, unknown>} body
 */
export function getStats(sdkappid, body) {
  return callApi('/v4/imstats/getstats', { query: { sdkappid }, body });
}
