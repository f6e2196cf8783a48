import type { Command } from 'commander';
import { AppsRepo } from '../../store/apps-repo.js';
import { DEFAULT_USERSIG_EXPIRE_SECONDS, makeUserSig } from '../../usersig/index.js';
import type { CliContext } from '../cli-io.js';
import { CliError } from '../cli-error.js';
import { withStore } from '../database-option.js';
import { positiveInt } from '../parse-args.js';

interface Options {
  readonly sdkappid: number;
  readonly identifier: string;
  readonly expire: number;
}

/**
 * `imstats usersig`: prints a UserSig made with the app's stored key. It signs any identifier
 * (SDK users need sigs too) but warns on stderr when the identifier is not one of the app's
 * admins or the app is disabled, since getappinfo would refuse such a call.
 */
export function registerUserSig(program: Command, ctx: CliContext): void {
  program
    .command('usersig')
    .description("print a UserSig made with the app's stored secret key")
    .requiredOption('--sdkappid <n>', 'the SDKAppID', positiveInt)
    .requiredOption('--identifier <id>', 'the identifier to sign for (an admin, to call the API)')
    .option('--expire <seconds>', 'validity in seconds (15552000 = 180 days)', positiveInt, DEFAULT_USERSIG_EXPIRE_SECONDS)
    .action(async (o: Options) => {
      const app = await withStore(ctx, (store) => new AppsRepo(store).require(o.sdkappid));
      if (app.secretKey === null) throw new CliError(`app ${app.sdkappid} has no secret key; set one with: imstats app key rotate ${app.sdkappid}`);
      if (!app.admins.includes(o.identifier)) {
        ctx.io.err(
          `warning: ${JSON.stringify(o.identifier)} is not an admin of app ${app.sdkappid} (admins: ${app.admins.join(', ')}); ` +
            'the API will refuse calls signed for it\n',
        );
      }
      if (!app.enabled) ctx.io.err(`warning: app ${app.sdkappid} is disabled; the API will refuse its calls\n`);
      const sig = makeUserSig({
        sdkappid: app.sdkappid,
        identifier: o.identifier,
        key: app.secretKey,
        expireSeconds: o.expire,
        nowSeconds: Math.floor(ctx.now() / 1000),
      });
      ctx.io.out(`${sig}\n`);
    });
}
