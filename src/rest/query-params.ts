import type { FastifyRequest } from 'fastify';

/** Query parameters by lower-cased name; the first occurrence of a repeated name wins. */
export type QueryParams = ReadonlyMap<string, string>;

const cache = new WeakMap<FastifyRequest, QueryParams>();

/**
 * The request's query parameters looked up case-insensitively (`userSig`, `SdkAppId` are seen).
 * Values are already percent-decoded by Fastify's parser; extra parameters are simply unused.
 */
export function queryParams(request: FastifyRequest): QueryParams {
  let params = cache.get(request);
  if (params === undefined) {
    params = queryParamsOf((request.query ?? {}) as Record<string, unknown>);
    cache.set(request, params);
  }
  return params;
}

/** queryParams of a parsed query object (what Fastify's query parser made of the query string). */
export function queryParamsOf(query: Record<string, unknown>): QueryParams {
  const map = new Map<string, string>();
  for (const [name, value] of Object.entries(query)) {
    const key = name.toLowerCase();
    if (map.has(key)) continue;
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') map.set(key, first);
  }
  return map;
}

/**
 * The `usersig` parameter as the client meant it. The query parser turns a literal `+` into a
 * space (form encoding); a space never occurs in (Tencent) base64, so it goes back to `+` for
 * clients that send the standard alphabet unencoded.
 */
export function userSigParam(params: QueryParams): string | undefined {
  return params.get('usersig')?.replaceAll(' ', '+');
}
