import type { Command } from 'commander';
import { AppsRepo } from '../../store/apps-repo.js';
import { TokensRepo, type ConsoleToken } from '../../tokens/tokens-repo.js';
import type { CliContext } from '../cli-io.js';
import { CliError } from '../cli-error.js';
import { withStore } from '../database-option.js';
import { announceChange, redisOption, redisPrefix, redisPrefixOption, redisUrl } from '../redis-option.js';
import { textTable } from '../format/text-table.js';
import { positiveInt } from '../parse-args.js';

const DAY_MS = 86_400_000;

interface CreateOptions {
  readonly sdkappid?: number;
  readonly allApps?: boolean;
  readonly name?: string;
  readonly expires?: number;
}

/** `imstats token create|list|revoke`: read-only console tokens (console.md). */
export function registerToken(program: Command, ctx: CliContext): void {
  const token = program.command('token').description('manage read-only console tokens (Authorization: Bearer) for /console/ and the read APIs');
  token
    .command('create')
    .description('create a token and print it once on stdout (only its hash is stored)')
    .option('--sdkappid <n>', 'the one app the token reads', positiveInt)
    .option('--all-apps', 'an operator token that reads every app (instead of --sdkappid)')
    .option('--name <s>', 'a name to recognise it by in token list')
    .option('--expires <days>', 'expire after this many days (default: never)', positiveInt)
    .action(async (o: CreateOptions) => {
      if ((o.sdkappid === undefined) === (o.allApps !== true)) throw new CliError('give either --sdkappid N or --all-apps');
      const now = ctx.now();
      const created = await withStore(ctx, async (store) => {
        if (o.sdkappid !== undefined) await new AppsRepo(store).require(o.sdkappid);
        return new TokensRepo(store).create({
          sdkappid: o.sdkappid ?? null,
          name: o.name,
          expiresAt: o.expires === undefined ? null : now + o.expires * DAY_MS,
          now,
        });
      });
      ctx.io.out(`${created.token}\n`);
      ctx.io.err(`token ${created.record.id} (${scope(created.record)}, expires ${when(created.record.expiresAt, 'never')}); shown once, only its hash is stored\n`);
    });
  token
    .command('list')
    .description('list tokens (never the tokens themselves)')
    .action(async () => {
      const tokens = await withStore(ctx, (store) => new TokensRepo(store).list());
      if (tokens.length === 0) {
        ctx.io.err('no console tokens yet; create one with: imstats token create --sdkappid N\n');
        return;
      }
      const now = ctx.now();
      const rows = tokens.map((t) => [t.id, t.name, scope(t), when(t.createdAt, ''), when(t.expiresAt, 'never'), when(t.lastUsedAt, 'never'), status(t, now)]);
      ctx.io.out(textTable(['ID', 'NAME', 'SCOPE', 'CREATED', 'EXPIRES', 'LAST USED', 'STATUS'], rows));
    });
  token
    .command('revoke')
    .description('revoke a token: refused from now on, on every node')
    .argument('<id>', 'the token id (see token list)')
    .addOption(redisOption('tell the API nodes sharing this Redis at once'))
    .addOption(redisPrefixOption())
    .action(async (id: string, o: { redis?: string; redisPrefix?: string }) => {
      const revoked = await withStore(ctx, (store) => new TokensRepo(store).revoke(id, ctx.now()));
      const url = redisUrl(ctx, o.redis);
      if (url !== undefined) await announceChange(ctx, url, redisPrefix(ctx, o.redisPrefix), { kind: 'token', id: revoked.id });
      ctx.io.out(`revoked token ${revoked.id} (${scope(revoked)})\n`);
    });
}

function scope(t: ConsoleToken): string {
  return t.sdkappid === null ? 'all apps' : `app ${t.sdkappid}`;
}

function when(ms: number | null, none: string): string {
  return ms === null ? none : new Date(ms).toISOString().slice(0, 19).replace('T', ' ') + 'Z';
}

function status(t: ConsoleToken, now: number): string {
  if (t.revokedAt !== null) return 'revoked';
  if (t.expiresAt !== null && now >= t.expiresAt) return 'expired';
  return 'active';
}
