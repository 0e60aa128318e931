/**
 * Charts across runs, from plain data (the compare and sweep commands compute the numbers):
 * trajectories of several scenarios with confidence bands over replications, a bar chart of
 * a final gap per programme with intervals, and a heat map over two swept parameters.
 */
import type { Chart, Plugin } from 'chart.js';
import { type Band, bandsPlugin, errorBarsPlugin, refLinesPlugin } from './plugins.ts';
import { axisTitle, axisTitleLine, isShare, metricName } from './labels.ts';
import { niceTicks } from './ringCharts.ts';
import { type ChartConfig, chartOptions, emptyChart } from './render.ts';
import { DASHES, FONT, FONT_FAMILY, INK, diverging, fmtNumber, inkOn, seriesColour, viridis, withAlpha } from './theme.ts';
import { TIME_AXIS } from './timeCharts.ts';

/** One scenario's trajectory: the mean over replications and its band (lo/hi may be NaN where n < 2). */
export interface TrajectorySeries {
  label: string;
  ticks: number[];
  mean: number[];
  lo?: number[];
  hi?: number[];
}

/** Titles of a chart; `metric` fills in the axis title from the metric's name and unit. */
export interface ChartText {
  title?: string;
  subtitle?: string;
  metric?: string;
  yTitle?: string | string[];
}

const pts = (ticks: readonly number[], ys: readonly number[] | undefined) =>
  ticks.map((x, i) => ({ x, y: ys && Number.isFinite(ys[i]) ? ys[i] : null }));

/**
 * Trajectories of several scenarios overlaid: a line for each mean and a shaded band for its
 * confidence interval. `bands` optionally shades periods (e.g. a shared intervention window).
 */
export function trajectoriesChart(series: readonly TrajectorySeries[], text: ChartText = {}, bands: readonly Band[] = []): ChartConfig {
  const metric = text.metric ?? 'dpd';
  const title = text.title ?? `${metricName(metric)}: scenarios compared`;
  if (!series.length) return emptyChart(title, 'No series to compare.');
  const datasets: Record<string, unknown>[] = [];
  series.forEach((s, i) => {
    const c = seriesColour(i);
    if (s.lo && s.hi) {
      const common = { borderWidth: 0, pointRadius: 0, tension: 0, borderColor: 'transparent', urdBand: true };
      datasets.push({ ...common, label: `${s.label} low`, data: pts(s.ticks, s.lo), fill: false });
      datasets.push({ ...common, label: `${s.label} high`, data: pts(s.ticks, s.hi), fill: '-1', backgroundColor: withAlpha(c, 0.2) });
    }
    datasets.push({
      label: s.label,
      data: pts(s.ticks, s.mean),
      borderColor: c,
      backgroundColor: c,
      borderWidth: 4,
      borderDash: DASHES[i % DASHES.length],
      pointRadius: 0,
      pointStyle: 'line',
      tension: 0,
    });
  });
  const xs = series.flatMap((s) => s.ticks);
  const options = chartOptions({
    title,
    subtitle: text.subtitle ?? 'Lines: mean over replications. Shaded: 95% confidence band.',
    x: { title: TIME_AXIS, min: Math.min(...xs), max: Math.max(...xs) },
    y: { title: text.yTitle ?? axisTitle(metric), format: (v) => fmtNumber(v, 3) },
  });
  options.plugins.legend.labels.filter = (item: { datasetIndex?: number }, data: { datasets: Record<string, unknown>[] }) =>
    !data.datasets[item.datasetIndex ?? 0].urdBand;
  const plugins = [refLinesPlugin([{ value: 0, label: '', colour: '#555555' }])];
  if (bands.length) plugins.push(bandsPlugin(bands));
  return { type: 'line', data: { datasets }, options, plugins };
}

/** One bar: a programme's value (e.g. the final DPD) and its interval. */
export interface BarDatum {
  label: string;
  value: number;
  lo?: number;
  hi?: number;
}

/** A bar chart of a final gap, one bar per programme, with interval whiskers where given. */
export function gapBarsChart(bars: readonly BarDatum[], text: ChartText = {}): ChartConfig {
  const metric = text.metric ?? 'dpd_final';
  const title = text.title ?? `${metricName(metric)} by programme`;
  if (!bars.length) return emptyChart(title, 'No programmes to compare.');
  const lo = bars.map((b) => b.lo);
  const hi = bars.map((b) => b.hi);
  const all = bars.flatMap((b) => [b.value, b.lo ?? b.value, b.hi ?? b.value]).filter(Number.isFinite);
  const options = chartOptions({
    title,
    subtitle: text.subtitle ?? (bars.some((b) => b.lo !== undefined) ? 'Bars: mean over replications. Whiskers: 95% confidence interval.' : undefined),
    x: { title: 'Programme', type: 'category' },
    y: {
      title: text.yTitle ?? axisTitle(metric),
      format: (v) => fmtNumber(v, 3),
      extra: { suggestedMin: Math.min(0, ...all), suggestedMax: Math.max(0, ...all) },
    },
    legend: false,
  });
  options.scales.x.ticks.autoSkip = false;
  options.scales.x.ticks.maxRotation = 30;
  const dataset = {
    label: metricName(metric),
    data: bars.map((b) => b.value),
    backgroundColor: bars.map((_, i) => withAlpha(seriesColour(i), 0.85)),
    borderColor: bars.map((_, i) => seriesColour(i)),
    borderWidth: 2,
    maxBarThickness: 160,
  };
  return {
    type: 'bar',
    data: { labels: bars.map((b) => b.label), datasets: [dataset] },
    options,
    plugins: [errorBarsPlugin(lo, hi), refLinesPlugin([{ value: 0, label: '', colour: '#555555', dash: [] }])],
  };
}

/** A summary metric over two swept parameters: values[j][i] is the value at ys[j] and xs[i] (NaN: no run). */
export interface HeatGrid {
  xName: string;
  yName: string;
  xs: (number | string)[];
  ys: (number | string)[];
  values: number[][];
  /** Name of the summary metric (e.g. dpd_final), for titles. */
  metric?: string;
}

const HEAT_BAR = 170;

function drawHeat(chart: Chart, g: HeatGrid, lo: number, hi: number, colour: (t: number) => string, label: string, fmt: (v: number) => string): void {
  const { ctx, chartArea: a } = chart;
  const nx = g.xs.length;
  const ny = g.ys.length;
  const w = (a.right - a.left) / nx;
  const h = (a.bottom - a.top) / ny;
  const t = (v: number) => (hi > lo ? (v - lo) / (hi - lo) : 0.5);
  const fontPx = Math.max(10, Math.min(FONT.tick, h * 0.4, w / 4.5));
  ctx.save();
  ctx.font = `${fontPx}px ${FONT_FAMILY}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const v = g.values[j]?.[i];
      const x = a.left + i * w;
      const y = a.bottom - (j + 1) * h;
      const fill = Number.isFinite(v) ? colour(t(v)) : '#FFFFFF';
      ctx.fillStyle = fill;
      ctx.fillRect(x, y, w, h);
      ctx.strokeStyle = '#FFFFFF';
      ctx.lineWidth = 2;
      ctx.strokeRect(x, y, w, h);
      ctx.fillStyle = Number.isFinite(v) ? inkOn(fill) : '#777777';
      if (w > 30 && h > 14) ctx.fillText(Number.isFinite(v) ? fmt(v) : 'n/a', x + w / 2, y + h / 2);
    }
  }
  // Colour bar in the right padding.
  const bx = a.right + 30;
  const bh = a.bottom - a.top;
  for (let y = 0; y < bh; y++) {
    ctx.fillStyle = colour(1 - y / Math.max(1, bh - 1));
    ctx.fillRect(bx, a.top + y, 26, 1.5);
  }
  ctx.strokeStyle = '#444444';
  ctx.lineWidth = 1;
  ctx.strokeRect(bx, a.top, 26, bh);
  ctx.fillStyle = INK;
  ctx.font = `${FONT.tick}px ${FONT_FAMILY}`;
  ctx.textAlign = 'left';
  for (const v of niceTicks(lo, hi, 5)) {
    const y = a.bottom - (hi > lo ? (bh * (v - lo)) / (hi - lo) : bh / 2);
    ctx.fillRect(bx + 26, y - 1, 6, 2);
    ctx.fillText(fmt(v), bx + 35, y);
  }
  ctx.translate(bx + 112, (a.top + a.bottom) / 2);
  ctx.rotate(Math.PI / 2);
  ctx.font = `bold ${FONT.tick}px ${FONT_FAMILY}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(label, 0, 0);
  ctx.restore();
}

/**
 * A heat map of a summary metric over two swept parameters, each cell labelled with its value.
 * Values on both sides of 0 get a diverging blue–vermillion scale centred on 0; otherwise viridis.
 */
export function heatMapChart(g: HeatGrid, text: ChartText = {}): ChartConfig {
  const metric = text.metric ?? g.metric ?? 'value';
  const title = text.title ?? `${metricName(metric)} over ${g.xName} and ${g.yName}`;
  const finite = g.values.flat().filter(Number.isFinite);
  if (!g.xs.length || !g.ys.length || !finite.length) return emptyChart(title, 'No values to draw.');
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  const share = isShare(metric);
  const div = !share && lo < 0 && hi > 0;
  if (div) [lo, hi] = [-Math.max(-lo, hi), Math.max(-lo, hi)];
  if (share) [lo, hi] = [0, 1];
  const fmt = share ? (v: number) => `${Math.round(v * 100)}%` : (v: number) => fmtNumber(v, 3);
  const label = text.yTitle !== undefined ? [text.yTitle].flat().join(' ') : axisTitleLine(metric);
  const plugin: Plugin = { id: 'urdHeat', beforeDatasetsDraw: (chart) => drawHeat(chart, g, lo, hi, div ? diverging : viridis, label, fmt) };
  const options = chartOptions({
    title,
    subtitle: text.subtitle ?? (div ? 'Blue: below zero; vermillion: above zero. Each cell: mean over replications.' : 'Each cell: mean over replications.'),
    x: { title: g.xName, type: 'category', extra: { labels: g.xs.map(String), offset: true, grid: { display: false } } },
    y: { title: g.yName, type: 'category', extra: { labels: g.ys.map(String), offset: true, reverse: true, grid: { display: false } } },
    legend: false,
    padding: { right: HEAT_BAR },
  });
  return { type: 'scatter', data: { datasets: [] }, options, plugins: [plugin] };
}
