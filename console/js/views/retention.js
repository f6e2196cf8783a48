// @ts-check
// Retention: a cohort table (registration day × D1 / D7 / D30, count and share of the cohort)
// and WAU / MAU next to daily actives, all from getstats' day buckets.
import { getStats } from '../api.js';
import { drawChart } from '../charts.js';
import { dataTable, exportButton, h } from '../dom.js';
import { rangeLabel, rangePicker } from './range-picker.js';

const FIELDS = ['RegistUserNumOneDay', 'RetainedD1', 'RetainedD7', 'RetainedD30', 'ActiveUserNum', 'ActiveUserNum7d', 'ActiveUserNum30d'];

/** @param {HTMLElement} root @param {import('../main.js').ViewContext} ctx */
export async function renderRetention(root, ctx) {
  const picker = rangePicker(ctx);
  const answer = await getStats(ctx.app.SDKAppID, { Grain: 'day', Start: picker.range.from, End: picker.range.to, Fields: FIELDS });
  /** @type {Record<string, string>[]} */
  const rows = answer.Result;
  const columns = ['Bucket', 'Final', ...FIELDS];
  /** Count and share of the day's cohort; the share is the only figure the page derives. */
  const share = (/** @type {string} */ c, /** @type {Record<string, string>} */ r) => {
    if (!c.startsWith('Retained')) return undefined;
    const cohort = Number(r.RegistUserNumOneDay);
    return cohort > 0 ? `${r[c]} (${((Number(r[c]) / cohort) * 100).toFixed(1)}%)` : r[c];
  };
  const chartEl = h('div', { class: 'chart', role: 'img', 'aria-label': 'Daily, weekly and monthly active users per day; exact values in the table' });
  root.replaceChildren(
    h('div', { class: 'section-head' },
      h('h2', {}, `Retention and reach, ${rangeLabel(picker.range)}`),
      exportButton(`imstats-${ctx.app.SDKAppID}-retention-${picker.range.from}-${picker.range.to}.csv`, () => ({ columns, rows }))),
    picker.element,
    h('p', { class: 'hint' }, 'RetainedDn: of the users registered on that day, those active n days later (still growing until that day is over). ActiveUserNum7d / 30d: distinct users active over the 7 / 30 days ending that day (WAU / MAU).'),
    h('div', { class: 'split' },
      dataTable({ id: 'retention-table', caption: `Cohorts by registration day, ${rangeLabel(picker.range)}, oldest first`, columns, rows, cell: share }),
      h('figure', { class: 'chart-card', 'data-chart': 'reach' }, h('figcaption', {}, 'DAU, WAU and MAU'), chartEl)),
  );
  drawChart(chartEl, {
    buckets: rows.map((r) => r.Bucket),
    height: 260,
    series: ['ActiveUserNum', 'ActiveUserNum7d', 'ActiveUserNum30d'].map((f) => ({ label: f, values: rows.map((r) => Number(r[f] ?? 0)) })),
  });
}
