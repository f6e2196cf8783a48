import type { Command } from 'commander';
import { AppsRepo } from '../../store/apps-repo.js';
import type { CliContext } from '../cli-io.js';
import { CliError } from '../cli-error.js';
import { withStore } from '../database-option.js';
import { appJson } from '../format/app-json.js';
import { positiveInt, wholeNumber } from '../parse-args.js';

interface Options {
  readonly registeredUsers?: number;
  readonly groups?: number;
}

/**
 * `imstats app baseline N [--registered-users N] [--groups N]`: users and groups that existed
 * before imstats saw any event, added to RegistUserNumTotal and GroupAllGroupNum; prints the app.
 */
export function registerAppBaseline(app: Command, ctx: CliContext): void {
  app
    .command('baseline')
    .description('set the users and groups that existed before imstats saw any event, and print the app')
    .argument('<sdkappid>', 'the SDKAppID', positiveInt)
    .option('--registered-users <n>', 'registered users before the first event (added to RegistUserNumTotal)', wholeNumber)
    .option('--groups <n>', 'groups before the first event (added to GroupAllGroupNum)', wholeNumber)
    .action(async (sdkappid: number, o: Options) => {
      if (o.registeredUsers === undefined && o.groups === undefined) {
        throw new CliError('nothing to set: give --registered-users N and/or --groups N');
      }
      const updated = await withStore(ctx, (store) =>
        new AppsRepo(store).setBaselines(sdkappid, { registeredUsers: o.registeredUsers, groups: o.groups }),
      );
      ctx.io.out(appJson(updated));
    });
}
