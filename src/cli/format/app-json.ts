import type { App } from '../../store/apps-repo.js';

/**
 * An app as the CLI prints it: every stored attribute, the secret key included (the CLI is the
 * admin's tool), the creation time as ISO 8601.
 */
export function appJson(app: App): string {
  return (
    JSON.stringify(
      {
        sdkappid: app.sdkappid,
        name: app.name,
        company: app.company,
        secretKey: app.secretKey,
        admins: app.admins,
        timezone: app.timezone,
        enabled: app.enabled,
        createdAt: new Date(app.createdAt).toISOString(),
        callbackToken: app.callbackToken,
        registeredBaseline: app.registeredBaseline,
        groupBaseline: app.groupBaseline,
      },
      null,
      2,
    ) + '\n'
  );
}
