import type { Command } from 'commander';
import { AppsRepo } from '../../store/apps-repo.js';
import type { CliContext } from '../cli-io.js';
import { withStore } from '../database-option.js';
import { appJson } from '../format/app-json.js';
import { positiveInt } from '../parse-args.js';

/** `imstats app admin add|remove N ID`: changes who may call the API; prints the app. */
export function registerAppAdmin(app: Command, ctx: CliContext): void {
  const admin = app.command('admin').description("add or remove an app's admin accounts");
  admin
    .command('add')
    .description('add an admin identifier (no-op when it is one already) and print the app')
    .argument('<sdkappid>', 'the SDKAppID', positiveInt)
    .argument('<identifier>', 'the admin identifier')
    .action(async (sdkappid: number, identifier: string) => {
      ctx.io.out(appJson(await withStore(ctx, (store) => new AppsRepo(store).addAdmin(sdkappid, identifier))));
    });
  admin
    .command('remove')
    .description('remove an admin identifier (an app keeps at least one) and print the app')
    .argument('<sdkappid>', 'the SDKAppID', positiveInt)
    .argument('<identifier>', 'the admin identifier')
    .action(async (sdkappid: number, identifier: string) => {
      ctx.io.out(appJson(await withStore(ctx, (store) => new AppsRepo(store).removeAdmin(sdkappid, identifier))));
    });
}
