/**
 * Tencent's `PushPlatform` codes in push callbacks → the canonical `vendor` of a `push` event.
 * Only `1` (Apple APNs) is fixed by our spec and feeds the 32 fields; the Android vendors follow
 * the order of Tencent's push console (Xiaomi, Huawei, Google FCM, Meizu, OPPO, vivo, Honor) and
 * only label the event. `0` is Tencent's own online channel.
 */
export const PUSH_VENDORS: ReadonlyMap<number, string> = new Map([
  [0, 'tencent'],
  [1, 'apns'],
  [2, 'xiaomi'],
  [3, 'huawei'],
  [4, 'fcm'],
  [5, 'meizu'],
  [6, 'oppo'],
  [7, 'vivo'],
  [8, 'honor'],
]);

/** The vendor name for a `PushPlatform` code; `platform-<n>` for codes not in PUSH_VENDORS. */
export function pushVendor(code: number): string {
  return PUSH_VENDORS.get(code) ?? `platform-${code}`;
}
