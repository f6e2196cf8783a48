import type { Command } from 'commander';
import { AppsRepo, DEFAULT_ADMIN, DEFAULT_TIMEZONE } from '../../store/apps-repo.js';
import type { CliContext } from '../cli-io.js';
import { withStore } from '../database-option.js';
import { appJson } from '../format/app-json.js';
import { collect, positiveInt } from '../parse-args.js';

interface Options {
  readonly sdkappid: number;
  readonly name: string;
  readonly company: string;
  readonly key?: string;
  readonly admin?: string[];
  readonly timezone?: string;
}

/** `imstats app create`: registers an app and prints it as JSON, its secret key included. */
export function registerAppCreate(app: Command, ctx: CliContext): void {
  app
    .command('create')
    .description('register an app and print it as JSON (secret key included)')
    .requiredOption('--sdkappid <n>', 'the SDKAppID, a positive integer', positiveInt)
    .requiredOption('--name <s>', 'app name')
    .requiredOption('--company <s>', 'company or organisation')
    .option('--key <k>', 'secret key (default: 64 random hex characters)')
    .option('--admin <id>', `admin identifier, repeatable (default: ${DEFAULT_ADMIN})`, collect)
    .option('--timezone <tz>', `IANA time zone of the app's days (default: ${DEFAULT_TIMEZONE})`)
    .action(async (o: Options) => {
      const created = await withStore(ctx, (store) =>
        new AppsRepo(store).create({
          sdkappid: o.sdkappid,
          name: o.name,
          company: o.company,
          secretKey: o.key,
          admins: o.admin,
          timezone: o.timezone,
          createdAt: ctx.now(),
        }),
      );
      ctx.io.out(appJson(created));
    });
}
