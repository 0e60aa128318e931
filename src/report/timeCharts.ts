/**
 * Charts of a run over time, from its metrics table: the digital potential difference with
 * intervention periods, the five stage ratios, urban-rural flows, the divide ladder,
 * inequality, and spending by lever. Each returns a Chart.js configuration.
 */
import type { InterventionSpec } from '../scenario/schema.ts';
import { type Band, BAND_LANE, bandsPlugin, refLinesPlugin } from './plugins.ts';
import type { MetricTable } from './read.ts';
import { type ChartConfig, chartOptions, emptyChart } from './render.ts';
import { CLASS_COLOURS, DASHES, LEVEL_COLOURS, LEVEL_NAMES, OKABE_ITO, STAGE_COLOURS, fmtNumber, withAlpha } from './theme.ts';

/** Title of the time axis on every time chart. */
export const TIME_AXIS = 'Time (ticks = years)';

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
export function interventionBands(interventions: readonly InterventionSpec[], lastTick: number): Band[] {
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
      .map((iv) => ({ ...clip(iv), label: `${lever} lever`, colour: STAGE_COLOURS[lever] ?? OKABE_ITO.grey, lane }))
      .filter((b) => b.to > b.from),
  );
}

/** The DPD over time, with intervention periods shaded and labelled, and the no-gap line. */
export function dpdChart(table: MetricTable, interventions: readonly InterventionSpec[], subtitle = ''): ChartConfig {
  if (!table.has('dpd')) return emptyChart('Digital potential difference over time', 'This run has no dpd rows.');
  const { min, max } = xRange(table);
  const bands = interventionBands(interventions, max);
  const lanes = bands.length ? Math.max(...bands.map((b) => b.lane)) + 1 : 0;
  const v = table.series('dpd').values.filter(Number.isFinite);
  const lo = Math.min(0, ...v);
  const hi = Math.max(0, ...v);
  // Headroom for the label lanes at the top (plot area is about 520 px high).
  const room = (lanes * BAND_LANE) / Math.max(120, 520 - lanes * BAND_LANE);
  const options = chartOptions({
    title: 'Digital potential difference over time',
    subtitle,
    x: { title: TIME_AXIS, min, max },
    y: { title: 'DPD (weighted sum of ln urban/rural)', format: (x) => fmtNumber(x, 3), extra: { suggestedMin: lo, suggestedMax: hi + (hi - lo) * room * 1.1 } },
    legend: false,
  });
  return {
    type: 'line',
    data: { datasets: [lineOf(table, 'dpd', 'all', 'DPD', OKABE_ITO.black, [], { borderWidth: 5 })] },
    options,
    plugins: [bandsPlugin(bands), refLinesPlugin([{ value: 0, label: 'no gap', colour: '#555555' }])],
  };
}

const LOG_LABELS = new Set([0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000]);

/** The five stages' urban/rural ratios on a log scale, with parity at 1. */
export function stageRatiosChart(table: MetricTable): ChartConfig {
  const stages = ['technology', 'capital', 'talent', 'production', 'rights'];
  const names: Record<string, string> = {
    technology: '1 Technology (τ)',
    capital: '2 Capital per resident',
    talent: '3 Applied talent',
    production: '4 Production (level 3)',
    rights: '5 Rights (R)',
  };
  const present = stages.filter((s) => table.has(`ratio_${s}`));
  if (!present.length) return emptyChart('Urban/rural ratio of each stage', 'This run has no ratio_* rows.');
  const { min, max } = xRange(table);
  const all = present.flatMap((s) => table.series(`ratio_${s}`).values).filter((x) => x > 0 && Number.isFinite(x));
  const options = chartOptions({
    title: 'Urban/rural ratio of each stage of the chain',
    subtitle: 'Above 1: urban places ahead. The DPD is the weighted sum of the logs of these ratios.',
    x: { title: TIME_AXIS, min, max },
    y: {
      title: 'Urban ÷ rural (log scale)',
      type: 'logarithmic',
      format: (x) => (LOG_LABELS.has(Number(x.toPrecision(3))) ? fmtNumber(x, 3) : ''),
      extra: {
        suggestedMin: Math.min(0.8, ...all),
        suggestedMax: Math.max(1.25, ...all),
        grid: { color: (c: { tick?: { value: number } }) => (c.tick && LOG_LABELS.has(Number(c.tick.value.toPrecision(3))) ? 'rgba(0,0,0,0.16)' : 'rgba(0,0,0,0.05)') },
      },
    },
  });
  return {
    type: 'line',
    data: { datasets: present.map((s, i) => lineOf(table, `ratio_${s}`, 'all', names[s], STAGE_COLOURS[s], DASHES[i])) },
    options,
    plugins: [refLinesPlugin([{ value: 1, label: 'parity', colour: '#555555' }])],
  };
}

/** Net capital and net migrants toward the rural places per tick, in two panels (negative: drain to the city). */
export function flowsChart(table: MetricTable): ChartConfig {
  if (!table.has('capital_net_to_rural') && !table.has('migrants_net_to_rural')) return emptyChart('Flows between urban and rural', 'This run has no flow rows.');
  const toward = withAlpha(OKABE_ITO.green, 0.35);
  const away = withAlpha(OKABE_ITO.vermillion, 0.35);
  const fill = { target: 'origin', above: toward, below: away };
  const datasets: LineDataset[] = [
    lineOf(table, 'capital_net_to_rural', 'all', 'Net capital to rural', OKABE_ITO.blue, [], { yAxisID: 'yC', fill }),
    lineOf(table, 'migrants_net_to_rural', 'all', 'Net migrants to rural', OKABE_ITO.black, DASHES[1], { yAxisID: 'yM', fill }),
  ];
  const fmt = { callback: (v: number | string) => fmtNumber(Number(v), 3), font: { size: 18 }, color: '#222222' };
  const options = panelOptions(
    table,
    'Net flows toward the rural places',
    'Green above zero: capital or people move to the villages. Red below zero: they drain to the city (backwash).',
    { yM: panelAxis(['Migrants', '(residents/tick)'], { ticks: fmt }), yC: panelAxis(['Capital', '(output units/tick)'], { ticks: fmt }) },
  );
  return {
    type: 'line',
    data: { datasets },
    options,
    plugins: [refLinesPlugin([{ value: 0, label: '', colour: '#555555', dash: [], scale: 'yC' }, { value: 0, label: '', colour: '#555555', dash: [], scale: 'yM' }])],
  };
}

/** Options of a time chart drawn as stacked panels: one y axis per panel, listed from the bottom panel up. */
function panelOptions(table: MetricTable, title: string, subtitle: string, panels: Record<string, Record<string, unknown>>) {
  const { min, max } = xRange(table);
  const options = chartOptions({ title, subtitle, x: { title: TIME_AXIS, min, max }, y: { title: '' } });
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
export function ladderChart(table: MetricTable): ChartConfig {
  if (!table.has('level0', 'urban')) return emptyChart('The divide ladder', 'This run has no level rows.');
  const datasets: LineDataset[] = [];
  for (const [scope, axis] of [['urban', 'yU'], ['rural', 'yR']] as const) {
    for (let k = 0; k < 4; k++) {
      datasets.push(
        lineOf(table, `level${k}`, scope, LEVEL_NAMES[k], LEVEL_COLOURS[k], [], {
          yAxisID: axis,
          fill: k === 0 ? 'origin' : '-1',
          backgroundColor: withAlpha(LEVEL_COLOURS[k], 0.85),
          borderColor: '#FFFFFF',
          borderWidth: 1,
          stack: scope,
        }),
      );
    }
  }
  const pct = { min: 0, max: 1, stacked: true, ticks: { font: { size: 18 }, color: '#222222', stepSize: 0.25, callback: (v: number | string) => `${Math.round(Number(v) * 100)}%` } };
  const options = panelOptions(
    table,
    'The divide ladder: who has access, skills and outcomes',
    'Share of residents at each level, living in urban places (top) and rural places (bottom).',
    { yR: panelAxis('Rural share', pct), yU: panelAxis('Urban share', pct) },
  );
  options.plugins.legend.labels.filter = (item: { datasetIndex?: number }) => (item.datasetIndex ?? 0) < 4;
  return { type: 'line', data: { datasets }, options };
}

/** Inequality: the Gini index on top; Theil T below, between and within urban/rural stacked. */
export function inequalityChart(table: MetricTable): ChartConfig {
  if (!table.has('gini')) return emptyChart('Income inequality', 'This run has no gini rows.');
  const datasets: LineDataset[] = [
    lineOf(table, 'gini', 'all', 'Gini', OKABE_ITO.black, [], { yAxisID: 'yG' }),
    lineOf(table, 'theil_between_class', 'all', 'Theil between urban and rural', CLASS_COLOURS.rural, [], {
      yAxisID: 'yT',
      fill: 'origin',
      backgroundColor: withAlpha(CLASS_COLOURS.rural, 0.75),
      stack: 'class',
      borderWidth: 2,
    }),
    lineOf(table, 'theil_within_class', 'all', 'Theil within each class', OKABE_ITO.sky, [], {
      yAxisID: 'yT',
      fill: '-1',
      backgroundColor: withAlpha(OKABE_ITO.sky, 0.55),
      stack: 'class',
      borderWidth: 2,
    }),
  ];
  if (table.has('theil_between_ring')) {
    datasets.push(lineOf(table, 'theil_between_ring', 'all', 'Theil between rings', OKABE_ITO.purple, DASHES[1], { yAxisID: 'yT', stack: 'ring', borderWidth: 4, order: -1 }));
  }
  const options = panelOptions(
    table,
    'Income inequality among residents',
    'Theil T splits exactly into a between-group part and a within-group part (stacked: their sum is the total).',
    { yT: panelAxis('Theil T', { min: 0, stacked: true }), yG: panelAxis('Gini', { min: 0 }) },
  );
  return { type: 'line', data: { datasets }, options };
}

/** Spending per tick by lever, stacked (only meaningful when some lever spends). */
export function spendingChart(table: MetricTable, levers: readonly string[]): ChartConfig {
  const { min, max } = xRange(table);
  const datasets = levers
    .filter((l) => table.series(`spending_${l}`).values.some((v) => v > 0))
    .map((l) => {
      const s = table.series(`spending_${l}`);
      return {
        label: `${l} lever`,
        data: s.ticks.map((t, i) => ({ x: t, y: s.values[i] })),
        backgroundColor: withAlpha(STAGE_COLOURS[l] ?? OKABE_ITO.grey, 0.85),
        borderWidth: 0,
        pointStyle: 'rect',
        barPercentage: 1,
        categoryPercentage: 0.9,
      };
    });
  if (!datasets.length) return emptyChart('Spending by lever', 'No lever spent anything in this run.');
  const options = chartOptions({
    title: 'Public spending by lever',
    subtitle: 'Spending per tick drawn from the fiscal budget, stacked by lever.',
    x: { title: TIME_AXIS, min: min - 0.5, max: max + 0.5, stacked: true, extra: { offset: false, ticks: { includeBounds: false, font: { size: 18 }, color: '#222222' } } },
    y: { title: 'Spending (output units per tick)', stacked: true, min: 0, format: (x) => fmtNumber(x, 3) },
  });
  return { type: 'bar', data: { datasets }, options };
}

/** Whether any lever spent something during the run (decides whether to draw spending). */
export function hasSpending(table: MetricTable, levers: readonly string[]): boolean {
  return levers.some((l) => table.series(`spending_${l}`).values.some((v) => v > 0));
}
