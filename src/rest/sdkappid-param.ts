/** A canonical SDKAppID as written in a URL: decimal, no sign, no leading zero. */
const SDKAPPID = /^[1-9]\d{0,15}$/;

/**
 * The SDKAppID a query parameter or path segment names, or undefined when it is not a canonical
 * decimal safe integer (no app has such an id). Leading zeros are refused, so one app has one
 * spelling: the brakes key on the raw value, and `01400…` must not be a fresh key for `1400…`.
 */
export function sdkAppIdOf(raw: string): number | undefined {
  if (!SDKAPPID.test(raw)) return undefined;
  const id = Number(raw);
  return Number.isSafeInteger(id) ? id : undefined;
}
