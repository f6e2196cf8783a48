import type { Command } from 'commander';
import { DEFAULT_PORT } from '../../server/listen.js';
import { DEFAULT_OPENIM_PUSH_VENDOR, OpenImWebhooksRepo, type OpenImWebhookConfig } from '../../store/openim-webhooks-repo.js';
import type { CliContext } from '../cli-io.js';
import { CliError } from '../cli-error.js';
import { withStore } from '../database-option.js';
import { positiveInt } from '../parse-args.js';

interface SetOptions {
  readonly secret?: string;
  readonly keepSecret?: boolean;
  readonly pushVendor?: string;
  readonly allowFrom?: string;
  readonly publicUrl: string;
}

/** The path OpenIM's `url` must end with: the route adds `/<command>` after it. */
export function openImWebhookPath(sdkappid: number, secret: string): string {
  return `/v4/imstats/openim/${sdkappid}/${encodeURIComponent(secret)}`;
}

function settingsLines(c: OpenImWebhookConfig): string {
  return `push vendor: ${c.pushVendor}\nallowed sources: ${c.allowedSources.entries.length === 0 ? 'any' : c.allowedSources.entries.join(', ')}\n`;
}

/**
 * `imstats app openim set N [--secret S | --keep-secret] [--push-vendor V] [--allow-from LIST]
 * [--public-url URL]`: the app's OpenIM webhook receiver; prints the `url:` line for OpenIM's
 * webhooks.yml (the secret is stored hashed and shown only here). `imstats app openim show N`
 * prints the settings without the secret.
 */
export function registerAppOpenIm(app: Command, ctx: CliContext): void {
  const openim = app.command('openim').description("receive OpenIM's webhooks for an app (README: Feeding imstats from OpenIM)");
  openim
    .command('set')
    .description("set the app's OpenIM webhook secret (random unless given) and settings; print the url for webhooks.yml")
    .argument('<sdkappid>', 'the SDKAppID', positiveInt)
    .option('--secret <s>', 'the secret in the webhook URL (16–128 letters, digits, -._~; default: 32 random hex characters)')
    .option('--keep-secret', 'keep the current secret, change only the other settings (prints no url)')
    .option('--push-vendor <name>', `vendor of the app's OpenIM offline pushes: apns, fcm, getui, jpush… (default: unchanged, else ${DEFAULT_OPENIM_PUSH_VENDOR})`)
    .option('--allow-from <list>', 'addresses / CIDR blocks webhooks may come from, comma-separated; "" allows any (default: unchanged, else any)')
    .option('--public-url <url>', 'how OpenIM reaches imstats, scheme://host[:port]', `http://127.0.0.1:${DEFAULT_PORT}`)
    .action(async (sdkappid: number, o: SetOptions) => {
      let base: URL;
      try {
        base = new URL(o.publicUrl);
      } catch {
        throw new CliError(`--public-url ${JSON.stringify(o.publicUrl)} is not a URL like https://imstats.example.com`);
      }
      if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new CliError('--public-url must start with http:// or https://');
      const { config, secret } = await withStore(ctx, (store) =>
        new OpenImWebhooksRepo(store).set(sdkappid, {
          secret: o.secret,
          keepSecret: o.keepSecret,
          pushVendor: o.pushVendor,
          allowedSources: o.allowFrom,
          nowMs: ctx.now(),
        }),
      );
      if (secret !== undefined) {
        const url = `${base.origin}${base.pathname.replace(/\/+$/, '')}${openImWebhookPath(sdkappid, secret)}`;
        ctx.io.out(`url: ${url}\n`);
        ctx.io.err('Put that url: line in OpenIM\'s config/webhooks.yml and enable the webhooks to count (README: "Feeding imstats from OpenIM"). The secret is stored hashed: it is not shown again.\n');
      }
      ctx.io.out(settingsLines(config));
    });
  openim
    .command('show')
    .description("print the app's OpenIM webhook settings (not the secret)")
    .argument('<sdkappid>', 'the SDKAppID', positiveInt)
    .action(async (sdkappid: number) => {
      const config = await withStore(ctx, (store) => new OpenImWebhooksRepo(store).get(sdkappid));
      if (!config) throw new CliError(`app ${sdkappid} has no OpenIM webhook settings; run imstats app openim set ${sdkappid}`);
      ctx.io.out(`updated: ${new Date(config.updatedAt).toISOString()}\n${settingsLines(config)}`);
    });
}
