/**
 * Charts across runs, from plain data (the compare and sweep commands compute the numbers):
 * trajectories of several scenarios with confidence bands over replications, a bar chart of
 * a final gap per programme with intervals, and a heat map over two swept parameters.
 */
import type { Chart, Plugin } from 'chart.js';
import { CHART_TEXT } from '../i18n/charts.ts';
import { reportText } from '../i18n/report.ts';
import type { Lang } from '../i18n/terms.ts';
import { type Band, END_LABEL_ROOM, bandsPlugin, endLabelsPlugin, errorBarsPlugin, refLinesPlugin, timelineRoom } from './plugins.ts';
import { axisTitle, axisTitleLine, isShare, metricName } from './labels.ts';
import { niceTicks } from './ticks.ts';
import { type ChartConfig, chartOptions, emptyChart } from './render.ts';
import { DASHES, FONT, FONT_FAMILY, INK, diverging, fmtNumber, inkOn, seriesColour, viridis, withAlpha } from './theme.ts';

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
  lang?: Lang;
}

const pts = (ticks: readonly number[], ys: readonly number[] | undefined) =>
  ticks.map((x, i) => ({ x, y: ys && Number.isFinite(ys[i]) ? ys[i] : null }));

/**
 * Trajectories of several scenarios overlaid: a line for each mean and a shaded band for its
 * confidence interval. `bands` optionally shades periods (e.g. a shared intervention window).
 */
export function trajectoriesChart(series: readonly TrajectorySeries[], text: ChartText = {}, bands: readonly Band[] = []): ChartConfig {
  const metric = text.metric ?? 'dpd';
  const lang = text.lang ?? 'en';
  const T = CHART_TEXT[lang];
  const title = text.title ?? T.compared(metricName(metric, lang));
  if (!series.length) return emptyChart(title, T.noSeries);
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
  const lanes = bands.length ? Math.max(...bands.map((b) => b.lane)) + 1 : 0;
  const options = chartOptions({
    title,
    subtitle: text.subtitle ?? T.comparedSubtitle,
    x: { title: reportText(lang).time, min: Math.min(...xs), max: Math.max(...xs) },
    y: { title: text.yTitle ?? axisTitle(metric, lang), format: (v) => fmtNumber(v, 3) },
    legend: false,
    padding: { right: END_LABEL_ROOM, bottom: 8 + timelineRoom(lanes) },
  });
  const plugins = [refLinesPlugin([{ value: 0, label: '', colour: '#555555' }]), endLabelsPlugin()];
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
  const lang = text.lang ?? 'en';
  const T = CHART_TEXT[lang];
  const title = text.title ?? T.byProgramme(metricName(metric, lang));
  if (!bars.length) return emptyChart(title, T.noSeries);
  const lo = bars.map((b) => b.lo);
  const hi = bars.map((b) => b.hi);
  const all = bars.flatMap((b) => [b.value, b.lo ?? b.value, b.hi ?? b.value]).filter(Number.isFinite);
  const options = chartOptions({
    title,
    subtitle: text.subtitle ?? (bars.some((b) => b.lo !== undefined) ? T.barsSubtitle : undefined),
    x: { title: T.programme, type: 'category' },
    y: {
      title: text.yTitle ?? axisTitle(metric, lang),
      format: (v) => fmtNumber(v, 3),
      extra: { suggestedMin: Math.min(0, ...all), suggestedMax: Math.max(0, ...all) },
    },
    legend: false,
  });
  options.scales.x.ticks.autoSkip = false;
  options.scales.x.ticks.maxRotation = 0;
  // Long scenario titles wrap onto several lines under their bar instead of slanting.
  options.scales.x.ticks.callback = (_: unknown, i: number) => wrapLabel(bars[i]?.label ?? '', Math.max(12, Math.floor(110 / bars.length)));
  const dataset = {
    label: metricName(metric, lang),
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
  /** Readable names of the parameters for the axes (default: their paths). */
  xLabel?: string;
  yLabel?: string;
}

/**
 * The colour range of a heat map, anchored so colours mean the same in every sweep: shares on
 * 0–100%; values on both sides of 0 symmetric around 0 (diverging); one-signed values from 0,
 * so 0.98 against 1.36 looks like the 30% difference it is, not like the two ends of the scale.
 */
export function heatRange(finite: readonly number[], share: boolean): { lo: number; hi: number; div: boolean } {
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  if (share) return { lo: 0, hi: 1, div: false };
  if (lo < 0 && hi > 0) {
    const m = Math.max(-lo, hi);
    return { lo: -m, hi: m, div: true };
  }
  return hi <= 0 ? { lo, hi: 0, div: false } : { lo: 0, hi, div: false };
}

/** Splits a label into lines of at most `width` characters at spaces (CJK text: by characters). */
export function wrapLabel(label: string, width: number): string | string[] {
  if (label.length <= width) return label;
  if (!/\s/.test(label)) return Array.from({ length: Math.ceil(label.length / width) }, (_, i) => label.slice(i * width, (i + 1) * width));
  const lines: string[] = [];
  let cur = '';
  for (const w of label.split(/\s+/)) {
    if (cur && (cur + ' ' + w).length > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines;
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
  const lang = text.lang ?? 'en';
  const title = text.title ?? `${metricName(metric, lang)}: ${g.xLabel ?? g.xName} × ${g.yLabel ?? g.yName}`;
  const finite = g.values.flat().filter(Number.isFinite);
  if (!g.xs.length || !g.ys.length || !finite.length) return emptyChart(title, CHART_TEXT[lang].noPlaceValues);
  const share = isShare(metric);
  const { lo, hi, div } = heatRange(finite, share);
  const fmt = share ? (v: number) => `${Math.round(v * 100)}%` : (v: number) => fmtNumber(v, 3);
  const label = text.yTitle !== undefined ? [text.yTitle].flat().join(' ') : axisTitleLine(metric, lang);
  const plugin: Plugin = { id: 'urdHeat', beforeDatasetsDraw: (chart) => drawHeat(chart, g, lo, hi, div ? diverging : viridis, label, fmt) };
  const options = chartOptions({
    title,
    subtitle: text.subtitle ?? (lang === 'zh' ? (div ? '蓝色：低于零；朱红：高于零。每格：各重复运行的均值。' : '每格：各重复运行的均值。') : div ? 'Blue: below zero; vermillion: above zero. Each cell: mean over replications.' : 'Each cell: mean over replications.'),
    x: { title: g.xLabel ?? g.xName, type: 'category', extra: { labels: g.xs.map(String), offset: true, grid: { display: false } } },
    y: { title: g.yLabel ?? g.yName, type: 'category', extra: { labels: g.ys.map(String), offset: true, reverse: true, grid: { display: false } } },
    legend: false,
    padding: { right: HEAT_BAR },
  });
  return { type: 'scatter', data: { datasets: [] }, options, plugins: [plugin] };
}
