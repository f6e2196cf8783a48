// @ts-check
// Calendar days as the API writes them (YYYYMMDD) in the app's time zone.

/** Today in `timeZone`, YYYYMMDD. @param {string} timeZone */
export function todayIn(timeZone) {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date());
  const get = (/** @type {string} */ t) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}${get('month')}${get('day')}`;
}

/** @param {string} day YYYYMMDD @param {number} n */
export function addDays(day, n) {
  const d = new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(4, 6)) - 1, Number(day.slice(6, 8)) + n));
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** YYYYMMDD → YYYY-MM-DD (the value of an <input type="date">). @param {string} day */
export function isoDay(day) {
  return `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;
}

/** YYYY-MM-DD → YYYYMMDD. @param {string} iso */
export function compactDay(iso) {
  return iso.replaceAll('-', '');
}

/** HH:MM of a Unix-ms time in `timeZone`. @param {number} ms @param {string} timeZone */
export function clockIn(ms, timeZone) {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(ms));
}

/** Days of the retention window the API accepts by default (stats-api.md). */
export const RETENTION_DAYS = 35;

/**
 * The day range a `range` parameter names: `7`, `14`, `30` (complete days ending yesterday) or
 * `YYYYMMDD-YYYYMMDD`. Anything else is the 7-day default.
 * @param {string | null} range @param {string} timeZone
 * @returns {{ from: string, to: string, key: string }}
 */
export function resolveRange(range, timeZone) {
  const today = todayIn(timeZone);
  const custom = /^(\d{8})-(\d{8})$/.exec(range ?? '');
  if (custom) return { from: custom[1], to: custom[2], key: range ?? '' };
  const days = range === '14' || range === '30' ? Number(range) : 7;
  return { from: addDays(today, -days), to: addDays(today, -1), key: String(days) };
}
