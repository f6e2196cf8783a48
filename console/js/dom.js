// @ts-check
// Small DOM helpers: elements, data tables, notices, the CSV button.

import { downloadCsv } from './csv.js';

/**
 * Creates an element. Attributes: `class`, `on<event>` listeners, booleans (true → present),
 * anything else as a string attribute. Children: nodes or text.
 * @param {string} tag
 * @param {Record<string, any>} [attrs]
 * @param {...any} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/**
 * A data table in a scrollable, keyboard-focusable region. Cells hold the API's strings exactly;
 * `cell` may render a column differently (the raw value stays in `data-value`).
 * @param {{ id: string, caption: string, columns: string[], rows: Record<string, string>[], cell?: (column: string, row: Record<string, string>) => Node | string | undefined }} spec
 */
export function dataTable(spec) {
  const captionId = `${spec.id}-caption`;
  const head = h('tr', {}, spec.columns.map((c) => h('th', { scope: 'col' }, c)));
  const body = spec.rows.map((row) =>
    h(
      'tr',
      {},
      spec.columns.map((c, i) => {
        const shown = spec.cell?.(c, row) ?? row[c] ?? '';
        return h(i === 0 ? 'th' : 'td', { scope: i === 0 ? 'row' : undefined, 'data-field': c, 'data-value': row[c] ?? '' }, shown);
      }),
    ),
  );
  return h(
    'div',
    { class: 'table-wrap', role: 'region', 'aria-labelledby': captionId, tabindex: 0 },
    h('table', { id: spec.id }, h('caption', { id: captionId }, spec.caption), h('thead', {}, head), h('tbody', {}, body)),
  );
}

/** @param {'error' | 'info'} kind @param {string} text */
export function notice(kind, text) {
  return h('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : undefined }, text);
}

/**
 * The "Export CSV" button of a view: downloads exactly `rows` under `columns`.
 * @param {string} filename @param {() => { columns: string[], rows: Record<string, string>[] }} data
 */
export function exportButton(filename, data) {
  return h('button', { type: 'button', class: 'secondary export', onclick: () => {
    const { columns, rows } = data();
    downloadCsv(filename, columns, rows);
  } }, 'Export CSV');
}

/** Formats an API count for display (the table keeps the raw string). @param {string | undefined} value */
export function formatCount(value) {
  if (value === undefined || value === '') return '–';
  const n = Number(value);
  return Number.isSafeInteger(n) ? n.toLocaleString('en-US') : value;
}
