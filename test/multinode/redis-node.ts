// Tests only: `imstats serve --redis` children and a fast getappinfo caller for load.
import { Child } from '../support/child.js';
import { serverUrl } from './imstats-serve.js';
import { makeUserSig } from '../../src/usersig/index.js';
import { ERROR_CODES } from '../../src/rest/error-codes.js';

export interface RedisNodeOptions {
  readonly dbUrl: string;
  /** Omitted: a node without --redis (the control). */
  readonly redisUrl?: string;
  readonly prefix?: string;
  readonly rateLimit?: number;
  readonly rateLimitWindowMs?: number;
  readonly appCacheMs?: number;
  readonly redisTimeoutMs?: number;
  readonly metrics?: boolean;
  readonly extra?: readonly string[];
}

/** A started node and its base URL. */
export interface RedisNode {
  readonly child: Child;
  readonly url: string;
}

export async function startNode(name: string, o: RedisNodeOptions): Promise<RedisNode> {
  const args = ['serve', '--db', o.dbUrl, '--host', '127.0.0.1', '--port', '0', '--rate-limit', String(o.rateLimit ?? 200)];
  if (o.redisUrl !== undefined) args.push('--redis', o.redisUrl, '--redis-prefix', o.prefix ?? 'imstats:');
  if (o.rateLimitWindowMs !== undefined) args.push('--rate-limit-window-ms', String(o.rateLimitWindowMs));
  if (o.appCacheMs !== undefined) args.push('--app-cache-ms', String(o.appCacheMs));
  if (o.redisTimeoutMs !== undefined) args.push('--redis-timeout-ms', String(o.redisTimeoutMs));
  if (o.metrics) args.push('--metrics');
  args.push(...(o.extra ?? []));
  const child = new Child(new URL('./imstats-cli.js', import.meta.url), args, { name });
  return { child, url: await serverUrl(child) };
}

/** Runs `imstats …` to completion (rejects with its stderr when it fails); returns its stdout lines. */
export async function runCli(args: readonly string[]): Promise<string[]> {
  const child = new Child(new URL('./imstats-cli.js', import.meta.url), args, { name: `imstats ${args.slice(0, 3).join(' ')}` });
  await child.succeeded();
  return child.lines;
}

export interface Answer {
  readonly node: number;
  readonly status: number;
  readonly errorCode: number;
  /** performance.now() when sent and when the whole answer was read. */
  readonly sentAt: number;
  readonly doneAt: number;
}

/** A getappinfo URL signed once (the node's verified-UserSig cache makes repeats cheap). */
export function getAppInfoUrl(baseUrl: string, sdkappid: number, key: string): string {
  const usersig = makeUserSig({ sdkappid, identifier: 'administrator', key, expireSeconds: 86_400 });
  const q = new URLSearchParams({ sdkappid: String(sdkappid), identifier: 'administrator', usersig, random: '1', contenttype: 'json' });
  return `${baseUrl}/v4/openconfigsvr/getappinfo?${q}`;
}

/** One call: HTTP status and ErrorCode (-1 when the body is not an envelope). */
export async function call(url: string, node: number, headers: Record<string, string> = {}, body = '{}'): Promise<Answer & { readonly body: string }> {
  const sentAt = performance.now();
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const text = await res.text();
  let errorCode = -1;
  try {
    errorCode = (JSON.parse(text) as { ErrorCode: number }).ErrorCode;
  } catch {
    // not an envelope
  }
  return { node, status: res.status, errorCode, sentAt, doneAt: performance.now(), body: text };
}

/** `workers` concurrent loops calling `urls` in turn until `until(answers)` is true. */
export async function load(urls: readonly string[], workers: number, until: (answers: readonly Answer[]) => boolean): Promise<Answer[]> {
  const answers: Answer[] = [];
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = w; !until(answers); i += workers) {
        const node = i % urls.length;
        answers.push(await call(urls[node]!, node));
      }
    }),
  );
  return answers;
}

/**
 * The most successes provably admitted within one window: for each success, those sent no
 * earlier than it and answered less than `windowMs` after it was sent. The server admitted each
 * of them inside that interval, whatever the box's delays; delays only make the count smaller.
 */
export function mostAdmittedInAnyWindow(answers: readonly Answer[], windowMs = 1000): number {
  const ok = answers.filter((a) => a.errorCode === 0).sort((a, b) => a.sentAt - b.sentAt);
  let most = 0;
  for (let i = 0; i < ok.length; i++) {
    const start = ok[i]!.sentAt;
    let n = 0;
    for (let j = i; j < ok.length && ok[j]!.sentAt < start + windowMs; j++) if (ok[j]!.doneAt < start + windowMs) n++;
    most = Math.max(most, n);
  }
  return most;
}

export const RATE_LIMITED = ERROR_CODES.RATE_LIMITED.code;
