// @ts-check
// Line and stacked charts with uPlot (served from the package: /console/vendor/). The x axis is
// the bucket index, labelled with the API's bucket strings; the tables beside the charts are the
// accessible, exact form of the same numbers.

/** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. */
export const COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#8C6D1F', '#7F3C8D', '#3B7D23'];

/** @type {Set<{ chart: any, el: HTMLElement }>} */
const live = new Set();
const resizer = typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(() => {
  for (const entry of live) {
    if (!entry.el.isConnected) {
      entry.chart.destroy();
      live.delete(entry);
      continue;
    }
    const width = entry.el.clientWidth;
    if (width > 0 && width !== entry.chart.width) entry.chart.setSize({ width, height: entry.chart.height });
  }
});

/** Destroys charts no longer on the page (called when a view is replaced). */
export function releaseCharts() {
  for (const entry of live) {
    if (!entry.el.isConnected) {
      entry.chart.destroy();
      live.delete(entry);
    }
  }
}

/** A bucket label for the axis: MM-DD for days, HH:00 for hours. @param {string} bucket */
function axisLabel(bucket) {
  if (bucket.length === 10) return `${bucket.slice(8, 10)}:00`;
  return `${bucket.slice(4, 6)}-${bucket.slice(6, 8)}`;
}

/**
 * Draws a chart into `el` (which must be on the page, for its width).
 * @param {HTMLElement} el
 * @param {{ buckets: string[], series: { label: string, values: number[] }[], stacked?: boolean, height?: number }} spec
 */
export function drawChart(el, spec) {
  // @ts-ignore uPlot is the global the vendor script defines.
  const uPlot = window.uPlot;
  const n = spec.buckets.length;
  const xs = Array.from({ length: n }, (_, i) => i);
  const raw = spec.series.map((s) => s.values);
  // Stacking is drawing only: each series is drawn on top of the ones before it, and the legend
  // shows the series' own value (the table shows the API's numbers).
  let drawn = raw;
  if (spec.stacked) {
    const sums = new Array(n).fill(0);
    drawn = raw.map((values) => values.map((v, i) => (sums[i] += v)));
  }
  const order = spec.stacked ? raw.map((_, i) => raw.length - 1 - i) : raw.map((_, i) => i);
  const series = [
    { label: 'Bucket', value: (/** @type {any} */ _u, /** @type {number} */ i) => (i == null ? '' : spec.buckets[i] ?? '') },
    ...order.map((i) => ({
      label: spec.series[i].label,
      stroke: COLORS[i % COLORS.length],
      width: 2,
      fill: spec.stacked ? `${COLORS[i % COLORS.length]}cc` : undefined,
      points: { show: n <= 31 },
      value: (/** @type {any} */ _u, /** @type {number} */ _v, /** @type {number} */ _si, /** @type {number} */ idx) =>
        idx == null ? '' : (raw[i][idx] ?? 0).toLocaleString('en-US'),
    })),
  ];
  const opts = {
    width: Math.max(el.clientWidth, 240),
    height: spec.height ?? 170,
    scales: { x: { time: false }, y: { range: (/** @type {any} */ _u, /** @type {number} */ _min, /** @type {number} */ max) => [0, max > 0 ? max * 1.08 : 1] } },
    axes: [
      { values: (/** @type {any} */ _u, /** @type {number[]} */ splits) => splits.map((i) => (Number.isInteger(i) ? axisLabel(spec.buckets[i] ?? '') : '')), stroke: '#4a5361', grid: { stroke: '#e3e8ee' } },
      { stroke: '#4a5361', grid: { stroke: '#e3e8ee' }, size: 56 },
    ],
    // One series: the caption names it and the table has the values; several: a legend with live values.
    legend: { show: spec.series.length > 1, live: true },
    cursor: { drag: { x: false, y: false } },
    series,
  };
  const chart = new uPlot(opts, [xs, ...order.map((i) => drawn[i])], el);
  const entry = { chart, el };
  live.add(entry);
  resizer?.observe(el);
  return chart;
}
