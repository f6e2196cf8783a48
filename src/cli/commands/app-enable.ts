import type { Command } from 'commander';
import { AppsRepo } from '../../store/apps-repo.js';
import type { CliContext } from '../cli-io.js';
import { withStore } from '../database-option.js';
import { appJson } from '../format/app-json.js';
import { positiveInt } from '../parse-args.js';

/** `imstats app enable N` and `imstats app disable N`; print the app. */
export function registerAppEnable(app: Command, ctx: CliContext): void {
  for (const [name, enabled, description] of [
    ['enable', true, 'let the app call the API again and print it'],
    ['disable', false, 'refuse API calls for the app (data is kept) and print it'],
  ] as const) {
    app
      .command(name)
      .description(description)
      .argument('<sdkappid>', 'the SDKAppID', positiveInt)
      .action(async (sdkappid: number) => {
        ctx.io.out(appJson(await withStore(ctx, (store) => new AppsRepo(store).setEnabled(sdkappid, enabled))));
      });
  }
}
