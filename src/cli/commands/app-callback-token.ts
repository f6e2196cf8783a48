import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { AppsRepo } from '../../store/apps-repo.js';
import type { CliContext } from '../cli-io.js';
import { withStore } from '../database-option.js';
import { appJson } from '../format/app-json.js';
import { positiveInt } from '../parse-args.js';

/**
 * `imstats app callback-token set N [TOKEN]` (prints the token, generated when not given: 32
 * random hex characters) and `imstats app callback-token clear N` (prints the app).
 */
export function registerAppCallbackToken(app: Command, ctx: CliContext): void {
  const token = app.command('callback-token').description('manage the token Tencent-style callbacks are signed with');
  token
    .command('set')
    .description('set the callback token (generated when not given) and print it')
    .argument('<sdkappid>', 'the SDKAppID', positiveInt)
    .argument('[token]', 'the token (default: 32 random hex characters)')
    .action(async (sdkappid: number, given: string | undefined) => {
      const value = given ?? randomBytes(16).toString('hex');
      await withStore(ctx, (store) => new AppsRepo(store).setCallbackToken(sdkappid, value));
      ctx.io.out(`${value}\n`);
    });
  token
    .command('clear')
    .description('remove the callback token and print the app')
    .argument('<sdkappid>', 'the SDKAppID', positiveInt)
    .action(async (sdkappid: number) => {
      ctx.io.out(appJson(await withStore(ctx, (store) => new AppsRepo(store).setCallbackToken(sdkappid, null))));
    });
}
