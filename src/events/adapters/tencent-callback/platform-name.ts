import { DEFAULT_PLATFORM } from '../../event.js';
import { CallbackBodyError } from './callback-translation.js';

/**
 * Canonical spellings of Tencent's client platforms (OptPlatform and KickedDevice[].Platform).
 * Tencent documents `RESTAPI`, `Web`, `Android`, `iOS`, `Windows`, `Mac`, `iPad` and `Unknown`,
 * but spells them inconsistently across pages and versions (`IOS`, `iOs`, `IPad`, `ANDROID`…).
 */
export const CANONICAL_PLATFORMS = ['iOS', 'Android', 'Web', 'Windows', 'Mac', 'iPad', 'Linux', 'MiniProgram', 'HarmonyOS', 'RESTAPI'] as const;

const BY_LOWER: ReadonlyMap<string, string> = new Map([
  ...CANONICAL_PLATFORMS.map((p) => [p.toLowerCase(), p] as const),
  ['iphone', 'iOS'],
  ['macos', 'Mac'],
  ['osx', 'Mac'],
  ['pc', 'Windows'],
  ['h5', 'Web'],
  ['miniapp', 'MiniProgram'],
  ['harmony', 'HarmonyOS'],
  ['restapi', 'RESTAPI'],
  ['rest', 'RESTAPI'],
]);

const MAX_PLATFORM_BYTES = 32;

/**
 * The canonical platform name for a Tencent platform string: known names case-insensitively
 * (`IOS`→`iOS`, `ANDROID`→`Android`, `ipad`→`iPad`); absent, empty or `Unknown` → `default`
 * (events.md's missing platform); any other value kept as sent (trimmed), so sessions of
 * platforms we do not know still pair their logins with their logouts.
 */
export function platformName(raw: string | undefined, path = 'OptPlatform'): string {
  const text = raw?.trim() ?? '';
  if (text === '' || text.toLowerCase() === 'unknown') return DEFAULT_PLATFORM;
  const known = BY_LOWER.get(text.toLowerCase());
  if (known) return known;
  if (Buffer.byteLength(text) > MAX_PLATFORM_BYTES) {
    throw new CallbackBodyError(path, 'bad-value', `${path} must be at most ${MAX_PLATFORM_BYTES} bytes`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(text)) throw new CallbackBodyError(path, 'bad-value', `${path} contains a control character`);
  return text;
}
