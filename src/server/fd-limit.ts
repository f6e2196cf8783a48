import { readFileSync } from 'node:fs';

/** File descriptors kept free for the database pool, log files, TLS files and the like: 128. */
export const RESERVED_FILE_DESCRIPTORS = 128;

/**
 * The process's soft open-file limit (`ulimit -n`), read from /proc/self/limits on Linux;
 * undefined where that cannot be read (other systems) or when unlimited.
 */
export function openFileLimit(limitsText?: string): number | undefined {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return undefined;
    }
  }
  const match = /^Max open files\s+(\d+)\s/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

/**
 * The total connection cap that fits the open-file limit: `wanted`, lowered to the limit minus
 * RESERVED_FILE_DESCRIPTORS when the limit is lower (every connection holds one descriptor).
 */
export function connectionCapFor(wanted: number, fileLimit: number | undefined): number {
  if (fileLimit === undefined) return wanted;
  return Math.max(1, Math.min(wanted, fileLimit - RESERVED_FILE_DESCRIPTORS));
}
