export type { IgnoredWebhook, MalformedWebhook, TranslatedWebhook, WebhookInput, WebhookTranslation, WebhookTranslator } from './webhook-translation.js';
export { isBeforeCommand, OPENIM_COMMANDS, type OpenImCommand } from './openim-commands.js';
export { OPENIM_PLATFORMS, openImPlatform, openImPlatformByName, openImPlatformId } from './openim-platform.js';
export { translateWebhook } from './translate-webhook.js';
export { WEBHOOK_TRANSLATORS } from './webhook-translators.js';
export { OPENIM_TRANSPORT, translateStoredOpenImWebhook } from './openim-inbox-translator.js';
