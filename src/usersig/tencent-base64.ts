/**
 * Tencent's URL-safe base64: standard base64 with `+`→`*`, `/`→`-`, `=`→`_`
 * (shared/spec/usersig.md). Padding is kept.
 */
export function encodeTencentBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/[+/=]/g, (c) => TO_TENCENT[c]!);
}

/**
 * Reverses {@link encodeTencentBase64}. Also accepts the standard alphabet (or a mix) and missing
 * padding, because clients do both. Returns undefined for any other character, misplaced or
 * wrong padding, or an impossible length — Node's own decoder would silently skip those.
 */
export function decodeTencentBase64(text: string): Buffer | undefined {
  // Three plain replaceAll calls cost a fraction of one regex replace with a callback per match.
  const standard = text.replaceAll('*', '+').replaceAll('-', '/').replaceAll('_', '=');
  const match = /^([A-Za-z0-9+/]*)(={0,2})$/.exec(standard);
  if (match === null) return undefined;
  const body = match[1]!;
  const padding = match[2]!.length;
  const remainder = body.length % 4;
  if (remainder === 1) return undefined;
  if (padding > 0 && (remainder + padding) % 4 !== 0) return undefined;
  return Buffer.from(body, 'base64');
}

const TO_TENCENT: Readonly<Record<string, string>> = { '+': '*', '/': '-', '=': '_' };
