/**
 * Request limits: the per-app frequency limit (60007) and the brake on repeated UserSig
 * failures (70050), both counting in a LimitStore. No request object crosses into this module.
 */
export { systemClock, type Clock } from './clock.js';
export type { LimitStore } from './limit-store.js';
export { LocalLimitStore, DEFAULT_LIMIT_STORE_KEYS, type LocalLimitStoreOptions } from './local-limit-store.js';
export { FrequencyLimiter, type FrequencyLimiterOptions } from './frequency-limiter.js';
export { FailureBrake, type FailureBrakeOptions } from './failure-brake.js';
export {
  SignatureBrake,
  DEFAULT_ACCOUNT_BRAKE_THRESHOLD,
  DEFAULT_CLIENT_BRAKE_THRESHOLD,
  type SignatureAttempt,
  type SignatureBrakeOptions,
} from './signature-brake.js';
