import { cumulate } from './prng.js';

// Platforms as Tencent's OptPlatform names them; a user's presence is a bit mask over them.
export const PLATFORMS = ['iOS', 'Android', 'Web', 'Windows', 'Mac', 'iPad'] as const;
export const IOS = 0;
export const IPAD = 5;
/** Per platform index: a phone or tablet (short sessions, a push channel). */
export const MOBILE = [true, true, false, false, false, true];
/** A user's main platform, by cumulative probability over PLATFORMS. */
export const PRIMARY_CUM = cumulate([0.38, 0.5, 0.05, 0.05, 0.02, 0]);
/** Share of users with a second platform. */
export const SECONDARY_SHARE = 0.35;
export const SECOND_FOR_MOBILE_CUM = cumulate([0, 0, 0.2, 0.45, 0.2, 0.15]);
export const SECOND_FOR_DESKTOP_CUM = cumulate([0.45, 0.55, 0, 0, 0, 0]);
/** Share of sessions opened on the secondary platform instead of the primary one. */
export const SECONDARY_SESSION_SHARE = 0.25;

// Offline-push vendors: APNs for Apple devices; for Android the phone makers' channels (China-heavy,
// like the default zone: Huawei, Xiaomi, OPPO, vivo, Honor, a few Meizu) or FCM for phones sold
// abroad; some users turn notifications off. Index 0 must stay APNs.
export const VENDORS = ['apns', 'fcm', 'huawei', 'xiaomi', 'oppo', 'vivo', 'honor', 'meizu'] as const;
export const ANDROID_VENDOR_CUM = cumulate([0, 0.1, 0.26, 0.2, 0.16, 0.15, 0.11, 0.02]);
export const PUSH_OPT_OUT_SHARE = 0.15;
/** "No platform" / "no push vendor" in the per-user Uint8Arrays. */
export const NONE = 255;
