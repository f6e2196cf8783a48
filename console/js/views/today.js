// @ts-check
// Today, live: the hours of today so far (getstats, Grain "hour"), refreshed every minute, with
// "as of HH:MM" from AsOf; buckets not final yet are marked live.
import { getStats } from '../api.js';
import { drawChart } from '../charts.js';
import { clockIn } from '../dates.js';
import { dataTable, exportButton, h } from '../dom.js';

/** How often the view asks again: every minute (console.md). */
export const REFRESH_MS = 60_000;
const CHARTED = ['ActiveUserNum', 'LoginTimes', 'UpMsgNum', 'MaxOnlineNum', 'LoginUserNum', 'RegistUserNumOneDay'];

/** @param {HTMLElement} root @param {import('../main.js').ViewContext} ctx */
export async function renderToday(root, ctx) {
  let stopped = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  ctx.onLeave(() => {
    stopped = true;
    clearTimeout(timer);
  });
  const draw = async () => {
    // The default hour range is the 24 hours ending with the current hour; today's are those of
    // the newest bucket's day (no clock of this browser involved).
    const answer = await getStats(ctx.app.SDKAppID, { Grain: 'hour' });
    if (stopped) return;
    /** @type {Record<string, string>[]} */
    const all = answer.Result;
    const day = all.length ? all[all.length - 1].Bucket.slice(0, 8) : '';
    const rows = all.filter((r) => r.Bucket.startsWith(day));
    const asOf = answer.AsOf === '0' ? 'no events yet' : `as of ${clockIn(Number(answer.AsOf), answer.TimeZone)}`;
    const columns = rows.length ? ['Bucket', 'Final', ...Object.keys(rows[0]).filter((k) => k !== 'Bucket' && k !== 'Final')] : ['Bucket', 'Final'];
    const grid = h('div', { class: 'charts' });
    root.replaceChildren(
      h('div', { class: 'section-head' },
        h('h2', {}, `Today${day ? ` (${day})` : ''}, by hour — `, h('span', { id: 'as-of', 'data-asof': answer.AsOf }, asOf)),
        exportButton(`imstats-${ctx.app.SDKAppID}-today-${day}.csv`, () => ({ columns, rows }))),
      h('p', { class: 'hint' }, `Hours in ${answer.TimeZone}. Refreshed every minute; hours marked `, h('span', { class: 'badge live' }, 'live'), ' are not final yet (they still change).'),
      grid,
      dataTable({
        id: 'today-table',
        caption: `getstats by hour, ${day}, oldest first`,
        columns,
        rows,
        cell: (c, r) => (c === 'Final' ? (r.Final === '1' ? 'final' : h('span', { class: 'badge live' }, 'live')) : undefined),
      }),
    );
    const buckets = rows.map((r) => r.Bucket);
    for (const field of CHARTED.filter((f) => rows.length === 0 || f in rows[0])) {
      const el = h('div', { class: 'chart', role: 'img', 'aria-label': `${field} per hour today; exact values in the table below` });
      grid.append(h('figure', { class: 'chart-card', 'data-chart': field }, h('figcaption', {}, field), el));
      drawChart(el, { buckets, series: [{ label: field, values: rows.map((r) => Number(r[field] ?? 0)) }] });
    }
  };
  await draw();
  const again = () => {
    timer = setTimeout(() => {
      draw().catch((err) => root.prepend(h('p', { class: 'notice error', role: 'alert' }, `Refresh failed: ${err.message}`))).finally(() => {
        if (!stopped) again();
      });
    }, REFRESH_MS);
  };
  again();
}
