// @ts-check
// The range picker shared by the day views: 7 / 14 / 30 complete days, or two dates inside the
// retention window.
import { h } from '../dom.js';
import { addDays, compactDay, isoDay, resolveRange, RETENTION_DAYS, todayIn } from '../dates.js';

/**
 * @param {import('../main.js').ViewContext} ctx
 * @returns {{ element: HTMLElement, range: { from: string, to: string, key: string } }}
 */
export function rangePicker(ctx) {
  const range = resolveRange(ctx.params.get('range'), ctx.app.TimeZone);
  const today = todayIn(ctx.app.TimeZone);
  const earliest = addDays(today, -RETENTION_DAYS);
  const presets = ['7', '14', '30'].map((days) =>
    h('label', {}, h('input', { type: 'radio', name: 'range', value: days, checked: range.key === days, onchange: () => ctx.go({ range: days }) }), ` ${days} days`),
  );
  const from = h('input', { type: 'date', id: 'range-from', value: isoDay(range.from), min: isoDay(earliest), max: isoDay(today), required: true });
  const to = h('input', { type: 'date', id: 'range-to', value: isoDay(range.to), min: isoDay(earliest), max: isoDay(today), required: true });
  const custom = h(
    'form',
    { class: 'toolbar', 'aria-label': 'Custom range', onsubmit: (/** @type {Event} */ e) => {
      e.preventDefault();
      const a = compactDay(/** @type {HTMLInputElement} */ (from).value);
      const b = compactDay(/** @type {HTMLInputElement} */ (to).value);
      if (a && b) ctx.go({ range: a <= b ? `${a}-${b}` : `${b}-${a}` });
    } },
    h('div', { class: 'field' }, h('label', { for: 'range-from' }, 'From'), from),
    h('div', { class: 'field' }, h('label', { for: 'range-to' }, 'To'), to),
    h('button', { type: 'submit', class: 'secondary' }, 'Show range'),
  );
  const element = h('div', { class: 'toolbar' }, h('fieldset', {}, h('legend', {}, 'Range'), presets), custom);
  return { element, range };
}

/** "20261101 – 20261130" @param {{ from: string, to: string }} range */
export function rangeLabel(range) {
  return range.from === range.to ? range.from : `${range.from} – ${range.to}`;
}
