// @ts-check
// Breakdowns per platform and per push vendor (getstats `By`): a stacked chart of one field per
// dimension value with the API's rows in a table beside it.
import { getStats } from '../api.js';
import { drawChart } from '../charts.js';
import { dataTable, exportButton, h } from '../dom.js';
import { rangeLabel, rangePicker } from './range-picker.js';

const DIMENSIONS = /** @type {const} */ ([
  ['platform', 'Platform', 'Per platform'],
  ['vendor', 'Vendor', 'Per push vendor'],
]);

/** @param {HTMLElement} root @param {import('../main.js').ViewContext} ctx */
export async function renderBreakdowns(root, ctx) {
  const picker = rangePicker(ctx);
  const dim = DIMENSIONS.find((d) => d[0] === ctx.params.get('by')) ?? DIMENSIONS[0];
  const answer = await getStats(ctx.app.SDKAppID, { Grain: 'day', By: dim[0], Start: picker.range.from, End: picker.range.to });
  /** @type {Record<string, string>[]} */
  const rows = answer.Result;
  const key = rows.length && !(dim[1] in rows[0]) ? Object.keys(rows[0]).find((k) => k.toLowerCase() === dim[0]) ?? dim[1] : dim[1];
  const offered = rows.length ? Object.keys(rows[0]).filter((k) => k !== 'Bucket' && k !== 'Final' && k !== key) : [];
  const field = offered.includes(ctx.params.get('field') ?? '') ? /** @type {string} */ (ctx.params.get('field')) : offered[0];
  const columns = ['Bucket', key, ...(rows.length && 'Final' in rows[0] ? ['Final'] : []), ...offered];
  const values = [...new Set(rows.map((r) => r[key]))];
  const buckets = [...new Set(rows.map((r) => r.Bucket))];

  const byChoice = h('fieldset', {}, h('legend', {}, 'Breakdown'), DIMENSIONS.map(([name, , label]) =>
    h('label', {}, h('input', { type: 'radio', name: 'by', value: name, checked: name === dim[0], onchange: () => ctx.go({ by: name, field: '' }) }), ` ${label}`)));
  const fieldSelect = h('select', { id: 'breakdown-field', onchange: (/** @type {Event} */ e) => ctx.go({ by: dim[0], field: /** @type {HTMLSelectElement} */ (e.target).value }) },
    offered.map((f) => h('option', { value: f, selected: f === field }, f)));
  const chartEl = h('div', { class: 'chart', role: 'img', 'aria-label': `${field ?? ''} per day, stacked by ${key}; exact values in the table` });
  root.replaceChildren(
    h('div', { class: 'section-head' },
      h('h2', {}, `${dim[2]}, ${rangeLabel(picker.range)}`),
      exportButton(`imstats-${ctx.app.SDKAppID}-${dim[0]}-${picker.range.from}-${picker.range.to}.csv`, () => ({ columns, rows }))),
    picker.element,
    h('div', { class: 'toolbar' }, byChoice, h('div', { class: 'field' }, h('label', { for: 'breakdown-field' }, 'Field'), fieldSelect)),
    rows.length === 0 ? h('p', {}, `No ${dim[0]} data in this range.`) : null,
    h('div', { class: 'split' },
      h('figure', { class: 'chart-card', 'data-chart': field ?? '' }, h('figcaption', {}, `${field ?? ''} by ${key} (stacked)`), chartEl),
      dataTable({ id: 'breakdown-table', caption: `getstats by ${dim[0]}, ${rangeLabel(picker.range)}, oldest first`, columns, rows })),
  );
  if (field && rows.length) {
    const at = new Map(rows.map((r) => [`${r.Bucket}|${r[key]}`, Number(r[field])]));
    drawChart(chartEl, { buckets, stacked: true, height: 260, series: values.map((v) => ({ label: v, values: buckets.map((b) => at.get(`${b}|${v}`) ?? 0) })) });
  }
}
