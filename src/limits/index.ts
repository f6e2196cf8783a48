/**
 * Request limits: the per-app frequency limit (60007) and the brake on repeated UserSig
 * failures (70050). No request object crosses into this module.
 */
export { systemClock, type Clock } from './clock.js';
export { FrequencyLimiter, type FrequencyLimiterOptions } from './frequency-limiter.js';
export { FailureBrake, type FailureBrakeOptions } from './failure-brake.js';
