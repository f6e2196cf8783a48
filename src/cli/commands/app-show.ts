import type { Command } from 'commander';
import { AppsRepo } from '../../store/apps-repo.js';
import type { CliContext } from '../cli-io.js';
import { withStore } from '../database-option.js';
import { appJson } from '../format/app-json.js';
import { positiveInt } from '../parse-args.js';

/** `imstats app show N`: the app as JSON, secret key included. */
export function registerAppShow(app: Command, ctx: CliContext): void {
  app
    .command('show')
    .description('print an app as JSON (secret key included)')
    .argument('<sdkappid>', 'the SDKAppID', positiveInt)
    .action(async (sdkappid: number) => {
      ctx.io.out(appJson(await withStore(ctx, (store) => new AppsRepo(store).require(sdkappid))));
    });
}
