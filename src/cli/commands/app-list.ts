import type { Command } from 'commander';
import { AppsRepo } from '../../store/apps-repo.js';
import type { CliContext } from '../cli-io.js';
import { withStore } from '../database-option.js';
import { textTable } from '../format/text-table.js';

/** `imstats app list`: one row per app, keys left out. */
export function registerAppList(app: Command, ctx: CliContext): void {
  app
    .command('list')
    .description('list apps as a table (secret keys not shown)')
    .action(async () => {
      const apps = await withStore(ctx, (store) => new AppsRepo(store).list());
      if (apps.length === 0) {
        ctx.io.err('no apps yet; create one with: imstats app create --sdkappid N --name S --company S\n');
        return;
      }
      const rows = apps.map((a) => [
        String(a.sdkappid),
        a.name,
        a.company,
        a.admins.join(','),
        a.timezone,
        a.enabled ? 'yes' : 'no',
        new Date(a.createdAt).toISOString().slice(0, 19).replace('T', ' ') + 'Z',
      ]);
      ctx.io.out(textTable(['SDKAPPID', 'NAME', 'COMPANY', 'ADMINS', 'TIMEZONE', 'ENABLED', 'CREATED'], rows, { alignRight: new Set([0]) }));
    });
}
