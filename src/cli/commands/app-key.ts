import type { Command } from 'commander';
import { AppsRepo } from '../../store/apps-repo.js';
import type { CliContext } from '../cli-io.js';
import { withStore } from '../database-option.js';
import { appJson } from '../format/app-json.js';
import { positiveInt } from '../parse-args.js';

/** `imstats app key rotate N [--key K]`: replaces the secret key; prints the app with the new key. */
export function registerAppKey(app: Command, ctx: CliContext): void {
  app
    .command('key')
    .description("manage an app's secret key")
    .command('rotate')
    .description('replace the secret key (UserSigs made with the old one stop working) and print the app')
    .argument('<sdkappid>', 'the SDKAppID', positiveInt)
    .option('--key <k>', 'the new key (default: 64 random hex characters)')
    .action(async (sdkappid: number, o: { key?: string }) => {
      ctx.io.out(appJson(await withStore(ctx, (store) => new AppsRepo(store).rotateKey(sdkappid, o.key))));
    });
}
