export type {
  CallbackBodyProblem,
  CallbackInput,
  CallbackTranslation,
  CallbackTranslator,
  IgnoredCallback,
  ItemRejection,
  MalformedCallback,
  TranslatedCallback,
  TranslatorOutput,
} from './callback-translation.js';
export { CallbackBodyError } from './callback-translation.js';
export { CALLBACK_TRANSLATORS } from './callback-translators.js';
export { CANONICAL_PLATFORMS, platformName } from './platform-name.js';
export { PUSH_VENDORS, pushVendor } from './push-vendor.js';
export { translateCallback } from './translate-callback.js';
export {
  callbackSign,
  MAX_REQUEST_TIME_SKEW_MS,
  verifyCallbackSign,
  type CallbackSignCheck,
  type CallbackSignFailure,
  type CallbackSignInput,
} from './verify-callback-sign.js';
export { TENCENT_TRANSPORT, translateStoredTencentCallback } from './tencent-inbox-translator.js';
