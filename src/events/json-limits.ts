/** Deepest nesting of arrays and objects accepted in an input value: 32 (events are flat; JSON.stringify overflows near 4,000). */
export const MAX_NESTING = 32;

/**
 * True when `value` nests arrays/objects deeper than `max` anywhere. Iterative (an explicit
 * stack), so a 100,000-level value cannot overflow the call stack here either; it stops at the
 * first level too deep.
 */
export function nestedTooDeep(value: unknown, max = MAX_NESTING): boolean {
  if (typeof value !== 'object' || value === null) return false;
  // A flat object (every event but a group.create with members) is one level: no array of its
  // values to allocate. for…in sees every own enumerable key (and inherited ones, which only send
  // an odd object to the exact walk below).
  if (max >= 1 && !Array.isArray(value)) {
    let flat = true;
    for (const key in value) {
      const v = (value as Record<string, unknown>)[key];
      if (typeof v === 'object' && v !== null) {
        flat = false;
        break;
      }
    }
    if (flat) return false;
  }
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (depth > max) return true;
    const children = Array.isArray(v) ? v : Object.values(v as object);
    for (const c of children) if (typeof c === 'object' && c !== null) stack.push([c, depth + 1]);
  }
  return false;
}

/** A short, safe rendering of any decoded JSON value for an error message (never throws, ≤ ~60 characters). */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return String(v);
}

/** A Unix ms time as ISO text when it is a representable date, else the number. */
export function timeText(ms: number): string {
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms);
}
