import type { Command } from 'commander';
import type { CliContext } from '../cli-io.js';
import { announceChange, redisOption, redisPrefix, redisPrefixOption, redisUrl } from '../redis-option.js';
import { registerAppAdmin } from './app-admin.js';
import { registerAppBaseline } from './app-baseline.js';
import { registerAppCallbackToken } from './app-callback-token.js';
import { registerAppCreate } from './app-create.js';
import { registerAppEnable } from './app-enable.js';
import { registerAppKey } from './app-key.js';
import { registerAppList } from './app-list.js';
import { registerAppOpenIm } from './app-openim.js';
import { registerAppShow } from './app-show.js';

/** `imstats app …`: the app registry (one file per subcommand). */
export function registerApp(program: Command, ctx: CliContext): void {
  const app = program.command('app').description('manage apps: create, list, show, admins, keys, baselines, callback tokens, OpenIM webhooks');
  registerAppCreate(app, ctx);
  registerAppList(app, ctx);
  registerAppShow(app, ctx);
  registerAppAdmin(app, ctx);
  registerAppKey(app, ctx);
  registerAppEnable(app, ctx);
  registerAppBaseline(app, ctx);
  registerAppCallbackToken(app, ctx);
  registerAppOpenIm(app, ctx);
  announceAppChanges(app, ctx);
}

/** Subcommands that only read: nothing to announce. */
const READ_ONLY = new Set(['list', 'show']);

/**
 * Every subcommand that changes an app takes `--redis` (and `--redis-prefix`) and, once the
 * change is committed, tells the API nodes, which drop the app from their caches at once.
 */
function announceAppChanges(app: Command, ctx: CliContext): void {
  const leaves = (command: Command): Command[] => (command.commands.length === 0 ? [command] : command.commands.flatMap(leaves));
  for (const leaf of leaves(app)) {
    if (READ_ONLY.has(leaf.name())) continue;
    leaf.addOption(redisOption('tell the API nodes sharing this Redis about the change at once')).addOption(redisPrefixOption());
    leaf.hook('postAction', async (command) => {
      const o = command.opts<{ redis?: string; redisPrefix?: string; sdkappid?: number }>();
      const url = redisUrl(ctx, o.redis);
      const sdkappid = typeof command.processedArgs[0] === 'number' ? (command.processedArgs[0] as number) : o.sdkappid;
      if (url === undefined || sdkappid === undefined) return;
      await announceChange(ctx, url, redisPrefix(ctx, o.redisPrefix), { kind: 'app', sdkappid });
    });
  }
}
