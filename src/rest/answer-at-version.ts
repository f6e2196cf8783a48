import type { App } from '../store/apps-repo.js';
import type { RestContext } from './rest-context.js';

type AnswerSources = Pick<RestContext, 'stats' | 'answers'>;

/**
 * The answer to `key` about `app` as its data stands now: the app's data version is read, the
 * answer held for that version is served when there is one, else `make()`'s answer is held for
 * that version and served (the version is read first, so an answer can only be older than the
 * version it is held for, never newer). Without `make`, undefined when none is held. The
 * getappinfo route and its fast path both answer through it.
 */
export function answerAtVersion(ctx: AnswerSources, app: App, key: string, nowMs: number, make: () => Promise<Buffer>): Promise<Buffer>;
export function answerAtVersion(ctx: AnswerSources, app: App, key: string, nowMs: number, make?: () => Promise<Buffer>): Promise<Buffer | undefined>;
export async function answerAtVersion(ctx: AnswerSources, app: App, key: string, nowMs: number, make?: () => Promise<Buffer>): Promise<Buffer | undefined> {
  const version = await ctx.stats.dataVersion(app.sdkappid);
  const current = ctx.answers.current(app, key, version, nowMs);
  if (current !== undefined || make === undefined) return current;
  const body = await make();
  ctx.answers.store(app, key, version, body, nowMs);
  return body;
}
