/**
 * Charts of a run over time, from its metrics table: the digital potential difference with
 * intervention periods, the five stage ratios, urban-rural flows, the divide ladder,
 * inequality, and spending by lever. Each returns a Chart.js configuration.
 */
import type { Lang } from '../i18n/terms.ts';
import { reportText } from '../i18n/report.ts';
import type { InterventionSpec } from '../scenario/schema.ts';
import { type Band, END_LABEL_ROOM, bandsPlugin, endLabelsPlugin, refLinesPlugin, timelineRoom } from './plugins.ts';
import type { MetricTable } from './read.ts';
import { type ChartConfig, chartOptions, emptyChart } from './render.ts';
import { CLASS_COLOURS, DASHES, LEVEL_COLOURS, OKABE_ITO, STAGE_COLOURS, STAGE_DASHES, fmtNumber, withAlpha } from './theme.ts';
import { CHART_TEXT } from '../i18n/charts.ts';
import { logTicks, niceTicks } from './ticks.ts';

/** A line dataset as Chart.js takes it (loosely typed: see ChartConfig). */
type LineDataset = Record<string, unknown> & { data: { x: number; y: number | null }[] };

/** A line dataset of one series: points {x: tick, y: value}, non-finite values left as gaps. */
export function lineOf(table: MetricTable, metric: string, scope: string, label: string, colour: string, dash: number[] = [], extra: Partial<LineDataset> = {}): LineDataset {
  const s = table.series(metric, scope);
  return {
    label,
    data: s.ticks.map((t, i) => ({ x: t, y: Number.isFinite(s.values[i]) ? s.values[i] : null })),
    borderColor: colour,
    backgroundColor: colour,
    borderWidth: 4,
    borderDash: dash,
    pointRadius: 0,
    pointStyle: extra.fill ? 'rect' : 'line',
    tension: 0,
    ...extra,
  };
}

function xRange(table: MetricTable): { min: number; max: number } {
  const t = table.ticks();
  return { min: t.length ? t[0] : 0, max: t.length ? t[t.length - 1] : 1 };
}

/**
 * Bands for interventions: each acts on the steps from tick start−1 to its end (the metrics of
 * tick t are measured after step t), clipped to the run. Over 6 interventions, the periods of
 * each lever are drawn as one band per lever instead.
 */
export function interventionBands(interventions: readonly InterventionSpec[], lastTick: number, lang: Lang = 'en'): Band[] {
  const clip = (iv: InterventionSpec) => ({ from: Math.max(0, iv.start - 1), to: Math.min(lastTick, iv.end) });
  if (interventions.length <= 6) {
    return interventions
      .map((iv, lane) => ({ ...clip(iv), label: iv.label || `${iv.lever}: ${iv.instrument} (${iv.allocation})`, colour: STAGE_COLOURS[iv.lever] ?? OKABE_ITO.grey, lane }))
      .filter((b) => b.to > b.from);
  }
  const levers = [...new Set(interventions.map((iv) => iv.lever))];
  return levers.flatMap((lever, lane) =>
    interventions
      .filter((iv) => iv.lever === lever)
      .map((iv) => ({ ...clip(iv), label: CHART_TEXT[lang].leverName(lever), colour: STAGE_COLOURS[lever] ?? OKABE_ITO.grey, lane }))
      .filter((b) => b.to > b.from),
  );
}

/** The DPD over time, with the programmes as a timeline strip under the plot and the no-gap line. */
export function dpdChart(table: MetricTable, interventions: readonly InterventionSpec[], subtitle = '', lang: Lang = 'en'): ChartConfig {
  const T = CHART_TEXT[lang];
  if (!table.has('dpd')) return emptyChart(T.dpdTitle, T.noRows('dpd'));
  const { min, max } = xRange(table);
  const bands = interventionBands(interventions, max, lang);
  const lanes = bands.length ? Math.max(...bands.map((b) => b.lane)) + 1 : 0;
  const v = table.series('dpd').values.filter(Number.isFinite);
  const options = chartOptions({
    title: T.dpdTitle,
    subtitle,
    x: { title: reportText(lang).time, min, max },
    y: { title: T.dpdAxis, format: (x) => fmtNumber(x, 3), extra: { suggestedMin: Math.min(0, ...v), suggestedMax: Math.max(0, ...v) } },
    legend: false,
    padding: { bottom: 8 + timelineRoom(lanes) },
  });
  return {
    type: 'line',
    data: { datasets: [lineOf(table, 'dpd', 'all', 'DPD', OKABE_ITO.black, [], { borderWidth: 5 })] },
    options,
    plugins: [bandsPlugin(bands), refLinesPlugin([{ value: 0, label: reportText(lang).noGap, colour: '#555555' }])],
  };
}

/** The five stages' urban/rural ratios on a log scale, with parity at 1, every line labelled at its end. */
export function stageRatiosChart(table: MetricTable, lang: Lang = 'en'): ChartConfig {
  const T = CHART_TEXT[lang];
  const stages = ['technology', 'capital', 'talent', 'production', 'rights'];
  const present = stages.filter((s) => table.has(`ratio_${s}`));
  if (!present.length) return emptyChart(T.ratiosTitle, T.noRows('ratio_*'));
  const { min, max } = xRange(table);
  const all = present.flatMap((s) => table.series(`ratio_${s}`).values).filter((x) => x > 0 && Number.isFinite(x));
  const ticks = logTicks(Math.min(0.8, ...all), Math.max(1.25, ...all));
  const options = chartOptions({
    title: T.ratiosTitle,
    subtitle: T.ratiosSubtitle,
    x: { title: reportText(lang).time, min, max },
    y: {
      title: T.ratiosAxis,
      type: 'logarithmic',
      min: ticks[0],
      max: ticks[ticks.length - 1],
      format: (x) => fmtNumber(x, 3),
      extra: { afterBuildTicks: (scale: { ticks: { value: number }[] }) => void (scale.ticks = ticks.map((value) => ({ value }))), ticks: { autoSkip: false, font: { size: 18 }, color: '#222222', callback: (v: number | string) => fmtNumber(Number(v), 3) } },
    },
    legend: false,
    padding: { right: END_LABEL_ROOM },
  });
  return {
    type: 'line',
    data: { datasets: present.map((s) => lineOf(table, `ratio_${s}`, 'all', T.stageNames[s], STAGE_COLOURS[s], STAGE_DASHES[s])) },
    options,
    plugins: [refLinesPlugin([{ value: 1, label: reportText(lang).parity, colour: '#555555' }]), endLabelsPlugin()],
  };
}

/** Ticks at a 1-2-5 step that is a multiple of the step, so 0 is labelled whenever it lies on the axis (Chart.js may step over it). */
const withZero = (scale: { min: number; max: number; ticks: { value: number }[] }) => {
  scale.ticks = niceTicks(scale.min, scale.max, 5).map((value) => ({ value }));
};

/** Net capital and net migrants toward the rural places per tick, in two panels (negative: drain to the city). */
export function flowsChart(table: MetricTable, lang: Lang = 'en'): ChartConfig {
  const T = CHART_TEXT[lang];
  if (!table.has('capital_net_to_rural') && !table.has('migrants_net_to_rural')) return emptyChart(T.flowsTitle, T.noRows('flow'));
  const fill = { target: 'origin', above: withAlpha(OKABE_ITO.green, 0.45), below: withAlpha(OKABE_ITO.vermillion, 0.45) };
  const datasets: LineDataset[] = [
    lineOf(table, 'capital_net_to_rural', 'all', T.netCapital, OKABE_ITO.blue, [], { yAxisID: 'yC', fill }),
    lineOf(table, 'migrants_net_to_rural', 'all', T.netMigrants, OKABE_ITO.black, DASHES[1], { yAxisID: 'yM', fill }),
  ];
  const fmt = { callback: (v: number | string) => fmtNumber(Number(v), 3), font: { size: 18 }, color: '#222222' };
  const options = panelOptions(table, T.flowsTitle, T.flowsSubtitle, {
    yM: panelAxis(T.migrantsAxis, { ticks: fmt, afterBuildTicks: withZero }),
    yC: panelAxis(T.capitalAxis, { ticks: fmt, afterBuildTicks: withZero }),
  }, lang);
  options.plugins.legend.display = false;
  options.layout.padding.right = END_LABEL_ROOM;
  return {
    type: 'line',
    data: { datasets },
    options,
    plugins: [refLinesPlugin([{ value: 0, label: '', colour: '#555555', dash: [], scale: 'yC' }, { value: 0, label: '', colour: '#555555', dash: [], scale: 'yM' }]), endLabelsPlugin()],
  };
}

/** Options of a time chart drawn as stacked panels: one y axis per panel, listed from the bottom panel up. */
function panelOptions(table: MetricTable, title: string, subtitle: string, panels: Record<string, Record<string, unknown>>, lang: Lang) {
  const { min, max } = xRange(table);
  const options = chartOptions({ title, subtitle, x: { title: reportText(lang).time, min, max }, y: { title: '' } });
  delete options.scales.y;
  Object.assign(options.scales, panels);
  return options;
}

function panelAxis(title: string | string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'linear',
    position: 'left',
    stack: 'panels',
    stackWeight: 1,
    offset: true,
    title: { display: true, text: title, font: { size: 21, weight: 'bold' }, color: '#222222' },
    ticks: { font: { size: 18 }, color: '#222222' },
    grid: { color: 'rgba(0,0,0,0.12)' },
    border: { color: '#666666' },
    ...extra,
  };
}

/** The divide ladder: stacked shares at levels 0 to 3, urban on top and rural below. */
export function ladderChart(table: MetricTable, lang: Lang = 'en'): ChartConfig {
  const T = CHART_TEXT[lang];
  if (!table.has('level0', 'urban')) return emptyChart(T.ladderTitle, T.noRows('level'));
  const datasets: LineDataset[] = [];
  for (const [scope, axis] of [['urban', 'yU'], ['rural', 'yR']] as const) {
    for (let k = 0; k < 4; k++) {
      datasets.push(
        lineOf(table, `level${k}`, scope, T.levelNames[k], LEVEL_COLOURS[k], [], {
          yAxisID: axis,
          fill: k === 0 ? 'origin' : '-1',
          backgroundColor: withAlpha(LEVEL_COLOURS[k], 0.85),
          borderColor: '#FFFFFF',
          borderWidth: 1,
          stack: scope,
          // Named beside the middle of its band at the last tick, in each panel.
          urdLabelMid: true,
        }),
      );
    }
  }
  const pct = { min: 0, max: 1, stacked: true, ticks: { font: { size: 18 }, color: '#222222', stepSize: 0.25, callback: (v: number | string) => `${Math.round(Number(v) * 100)}%` } };
  const options = panelOptions(table, T.ladderTitle, T.ladderSubtitle, { yR: panelAxis(T.ruralShare, pct), yU: panelAxis(T.urbanShare, pct) }, lang);
  options.plugins.legend.display = false;
  options.layout.padding.right = END_LABEL_ROOM;
  return { type: 'line', data: { datasets }, options, plugins: [endLabelsPlugin()] };
}

/** Inequality: the Gini index on top; Theil T below, between and within urban/rural stacked. */
export function inequalityChart(table: MetricTable, lang: Lang = 'en'): ChartConfig {
  const T = CHART_TEXT[lang];
  if (!table.has('gini')) return emptyChart(T.inequalityTitle, T.noRows('gini'));
  const datasets: LineDataset[] = [
    lineOf(table, 'gini', 'all', T.gini, OKABE_ITO.black, DASHES[0], { yAxisID: 'yG' }),
    // Each series its own dash, so none depends on its colour alone; the stacked bands are named at their middles.
    lineOf(table, 'theil_between_class', 'all', T.theilBetween, CLASS_COLOURS.rural, DASHES[3], {
      yAxisID: 'yT',
      fill: 'origin',
      backgroundColor: withAlpha(CLASS_COLOURS.rural, 0.75),
      stack: 'class',
      borderWidth: 3,
      urdLabelMid: true,
    }),
    lineOf(table, 'theil_within_class', 'all', T.theilWithin, OKABE_ITO.blue, DASHES[2], {
      yAxisID: 'yT',
      fill: '-1',
      backgroundColor: withAlpha(OKABE_ITO.sky, 0.55),
      stack: 'class',
      borderWidth: 3,
      urdLabelMid: true,
    }),
  ];
  if (table.has('theil_between_ring')) {
    datasets.push(lineOf(table, 'theil_between_ring', 'all', T.theilRings, OKABE_ITO.purple, DASHES[1], { yAxisID: 'yT', stack: 'ring', borderWidth: 4, order: -1 }));
  }
  const options = panelOptions(table, T.inequalityTitle, T.inequalitySubtitle, { yT: panelAxis(T.theilAxis, { min: 0, stacked: true }), yG: panelAxis(T.gini, { min: 0 }) }, lang);
  options.plugins.legend.display = false;
  options.layout.padding.right = END_LABEL_ROOM;
  return { type: 'line', data: { datasets }, options, plugins: [endLabelsPlugin()] };
}

/** Spending per tick by lever, stacked (only meaningful when some lever spends). */
export function spendingChart(table: MetricTable, levers: readonly string[], lang: Lang = 'en'): ChartConfig {
  const T = CHART_TEXT[lang];
  const { min, max } = xRange(table);
  const datasets = levers
    .filter((l) => table.series(`spending_${l}`).values.some((v) => v > 0))
    .map((l) => {
      const s = table.series(`spending_${l}`);
      return {
        label: T.leverName(l),
        data: s.ticks.map((t, i) => ({ x: t, y: s.values[i] })),
        backgroundColor: withAlpha(STAGE_COLOURS[l] ?? OKABE_ITO.grey, 0.85),
        borderWidth: 0,
        pointStyle: 'rect',
        barPercentage: 1,
        categoryPercentage: 0.9,
      };
    });
  if (!datasets.length) return emptyChart(T.spendingTitle, T.noSpending);
  const options = chartOptions({
    title: T.spendingTitle,
    subtitle: T.spendingSubtitle,
    x: { title: reportText(lang).time, min: min - 0.5, max: max + 0.5, stacked: true, extra: { offset: false, ticks: { includeBounds: false, font: { size: 18 }, color: '#222222' } } },
    y: { title: T.spendingAxis, stacked: true, min: 0, format: (x) => fmtNumber(x, 3) },
  });
  return { type: 'bar', data: { datasets }, options };
}

/**
 * Public spending per resident on each ring over time (all levers): the differential order
 * (core first) puts the top line on ring 0, the reverse order on the outer rings, so a switch
 * of allocation order shows as lines crossing.
 */
export function spendingByRingChart(table: MetricTable, rings: readonly { label: string; class: string }[], levers: readonly string[], lang: Lang = 'en'): ChartConfig {
  const T = CHART_TEXT[lang];
  const { min, max } = xRange(table);
  const datasets = rings.map((r, k) => {
    const pop = table.series('population', `ring:${k}`);
    const spent = pop.ticks.map((t) => levers.reduce((sum, l) => sum + (table.valueAt(`spending_${l}`, `ring:${k}`, t) || 0), 0));
    return {
      label: `${k} ${r.label}`,
      data: pop.ticks.map((t, i) => ({ x: t, y: pop.values[i] > 0 ? spent[i] / pop.values[i] : null })),
      borderColor: ringColour(k, rings.length),
      backgroundColor: ringColour(k, rings.length),
      borderWidth: 4,
      borderDash: DASHES[k % DASHES.length],
      pointRadius: 0,
      tension: 0,
    };
  });
  if (!datasets.some((d) => d.data.some((p) => (p.y ?? 0) > 0))) return emptyChart(T.ringSpendingTitle, T.noSpending);
  const options = chartOptions({
    title: T.ringSpendingTitle,
    subtitle: T.ringSpendingSubtitle,
    x: { title: reportText(lang).time, min, max },
    y: { title: T.ringSpendingAxis, min: 0, format: (x) => fmtNumber(x, 3) },
    legend: false,
    padding: { right: END_LABEL_ROOM },
  });
  return { type: 'line', data: { datasets }, options, plugins: [endLabelsPlugin()] };
}

/** Ring colours from the core (dark) outward (light) along the series palette's safe first five. */
function ringColour(k: number, n: number): string {
  const order = [OKABE_ITO.black, OKABE_ITO.blue, OKABE_ITO.green, OKABE_ITO.orange, OKABE_ITO.sky];
  return n <= order.length ? order[k] : order[k % order.length];
}

/** Whether any lever spent something during the run (decides whether to draw spending). */
export function hasSpending(table: MetricTable, levers: readonly string[]): boolean {
  return levers.some((l) => table.series(`spending_${l}`).values.some((v) => v > 0));
}
