// @ts-check
// An app's overview: headline tiles (last complete day vs the day before), the range picker and
// a line chart of every counted field, grouped; the 32 fields as a table; Export CSV.
import { getAppInfo } from '../api.js';
import { drawChart } from '../charts.js';
import { dataTable, exportButton, formatCount, h } from '../dom.js';
import { rangeLabel, rangePicker } from './range-picker.js';

/** @param {HTMLElement} root @param {import('../main.js').ViewContext} ctx */
export async function renderOverview(root, ctx) {
  const { app, fields } = ctx;
  const picker = rangePicker(ctx);
  // The default getappinfo window: the 30 complete days before today, newest first.
  const [recent, rows] = await Promise.all([
    getAppInfo(app.SDKAppID, { RequestField: fields.headline }),
    getAppInfo(app.SDKAppID, { StartDate: picker.range.from, EndDate: picker.range.to }),
  ]);
  const [last, before] = recent;
  const tiles = h('ul', { class: 'tiles', id: 'tiles', 'aria-label': 'Headline numbers' },
    fields.headline.map((/** @type {string} */ f) => tile(f, last, before)));
  const columns = rows.length ? ['Date', ...Object.keys(rows[0]).filter((k) => k !== 'Date')] : ['Date'];
  const chronological = [...rows].reverse();
  const buckets = chronological.map((r) => r.Date);
  const charts = fields.groups.map((/** @type {any} */ group) => {
    const grid = h('div', { class: 'charts' });
    const section = h('section', { 'aria-labelledby': `group-${group.title}` }, h('h3', { id: `group-${group.title}` }, group.title), grid);
    return { section, grid, group };
  });
  root.replaceChildren(
    h('section', { 'aria-labelledby': 'tiles-title' },
      h('div', { class: 'section-head' },
        h('h2', { id: 'tiles-title' }, last ? `Last complete day: ${last.Date}` : 'Last complete day: no data yet'),
        exportButton(`imstats-${app.SDKAppID}-headline.csv`, () => ({ columns: ['Date', ...fields.headline], rows: recent.slice(0, 2) }))),
      tiles),
    h('section', { 'aria-labelledby': 'range-title' },
      h('div', { class: 'section-head' },
        h('h2', { id: 'range-title' }, `Every field, ${rangeLabel(picker.range)}`),
        exportButton(`imstats-${app.SDKAppID}-days-${picker.range.from}-${picker.range.to}.csv`, () => ({ columns, rows }))),
      picker.element,
      rows.length === 0 ? h('p', {}, 'No days in this range (the app had not started yet).') : null,
      charts.map((c) => c.section),
      h('h3', {}, 'All 32 fields'),
      dataTable({ id: 'days-table', caption: `getappinfo, ${rangeLabel(picker.range)}, newest first (${app.TimeZone})`, columns, rows })),
  );
  for (const { grid, group } of charts) {
    for (const field of group.fields) {
      const chartEl = h('div', { class: 'chart', role: 'img', 'aria-label': `${field.name} per day, ${rangeLabel(picker.range)}; exact values in the table below` });
      grid.append(h('figure', { class: 'chart-card', 'data-chart': field.name }, h('figcaption', {}, field.name, h('span', { class: 'desc' }, field.description)), chartEl));
      drawChart(chartEl, { buckets, series: [{ label: field.name, values: chronological.map((r) => Number(r[field.name] ?? 0)) }] });
    }
  }
}

/**
 * @param {string} field @param {Record<string, string> | undefined} last @param {Record<string, string> | undefined} before
 */
function tile(field, last, before) {
  const value = last?.[field];
  let change = h('p', { class: 'change flat' }, 'no day before to compare');
  if (value !== undefined && before?.[field] !== undefined) {
    const a = Number(value);
    const b = Number(before[field]);
    const diff = a - b;
    const pct = b === 0 ? (a === 0 ? '0%' : 'new') : `${diff >= 0 ? '+' : ''}${((diff / b) * 100).toFixed(1)}%`;
    const cls = diff > 0 ? 'up' : diff < 0 ? 'down' : 'flat';
    change = h('p', { class: `change ${cls}`, 'data-before': before[field] }, `${pct} (${diff >= 0 ? '+' : ''}${diff.toLocaleString('en-US')}) vs ${before.Date}`);
  }
  return h('li', { class: 'tile', 'data-field': field, 'data-value': value ?? '' }, h('p', { class: 'name' }, field), h('p', { class: 'value' }, formatCount(value)), change);
}
