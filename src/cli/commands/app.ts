import type { Command } from 'commander';
import type { CliContext } from '../cli-io.js';
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
}
