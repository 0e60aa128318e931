/**
 * The circle layers: profiles of a metric by ring at chosen ticks, and the ring map, which
 * draws each place as a dot on its ring around the core, coloured by a metric, in small
 * multiples at chosen ticks. Place positions come from the scenario's rings via buildLayout,
 * the same layout the run used.
 */
import type { Chart, Plugin } from 'chart.js';
import { buildLayout, type WorldGeography } from '../engine/geometry.ts';
import type { RingSpec } from '../scenario/schema.ts';
import { CHART_TEXT } from '../i18n/charts.ts';
import { reportText } from '../i18n/report.ts';
import type { Lang } from '../i18n/terms.ts';
import { axisTitle, axisTitleLine, isShare, metricName } from './labels.ts';
import type { MetricTable } from './read.ts';
import { END_LABEL_ROOM, endLabelsPlugin } from './plugins.ts';
import { type ChartConfig, chartOptions, emptyChart } from './render.ts';
import { DASHES, FONT, FONT_FAMILY, INK, fmtNumber, viridis } from './theme.ts';
import { logTicks, niceTicks } from './ticks.ts';

/** Up to n ticks spread evenly over the available ones: always the first and the last. */
export function pickTicks(available: readonly number[], n = 3): number[] {
  if (available.length <= n) return [...available];
  const out = new Set<number>();
  for (let i = 0; i < n; i++) out.add(available[Math.round((i * (available.length - 1)) / (n - 1))]);
  return [...out];
}

/** Tick label colours for profiles: early light, late dark, along viridis (ordered in greyscale too). */
function tickColour(i: number, n: number): string {
  return viridis(n <= 1 ? 0.3 : 0.68 - (0.68 * i) / (n - 1));
}

/** Label of ring k on an axis: "k label", with the class. */
export function ringLabel(rings: readonly RingSpec[], k: number): string {
  return `${k} ${rings[k].label} (${rings[k].class})`;
}

/** The mean of a metric by ring (scopes ring:k) at chosen ticks, one line per tick. */
export function ringProfileChart(table: MetricTable, rings: readonly RingSpec[], metric: string, ticks: readonly number[], lang: Lang = 'en'): ChartConfig {
  const T = CHART_TEXT[lang];
  const title = T.byRing(metricName(metric, lang));
  if (!table.has(metric, 'ring:0')) return emptyChart(title, T.noRows(metric));
  const share = isShare(metric);
  const datasets = ticks.map((t, i) => ({
    label: reportText(lang).tick(t),
    data: rings.map((_, k) => {
      const v = table.valueAt(metric, `ring:${k}`, t);
      return Number.isFinite(v) ? v : null;
    }),
    borderColor: tickColour(i, ticks.length),
    backgroundColor: tickColour(i, ticks.length),
    borderWidth: 4,
    borderDash: DASHES[(ticks.length - 1 - i) % DASHES.length],
    pointRadius: 8,
    pointStyle: 'circle',
    tension: 0,
  }));
  const options = chartOptions({
    title,
    subtitle: T.profileSubtitle,
    x: { title: T.profileAxis, type: 'category', extra: { offset: true } },
    y: {
      title: axisTitle(metric, lang),
      format: share ? (v) => `${Math.round(v * 100)}%` : (v) => fmtNumber(v, 3),
      extra: share ? { suggestedMin: 0, suggestedMax: 1 } : { beginAtZero: true },
    },
  });
  // Each tick's line named at its outer end, in its colour and dash, instead of a legend of swatches.
  options.plugins.legend.display = false;
  options.layout.padding.right = END_LABEL_ROOM;
  return { type: 'line', data: { labels: rings.map((_, k) => ringLabel(rings, k)), datasets }, options, plugins: [endLabelsPlugin()] };
}

/** What a ring map shows: a metric per place at several ticks, over the layout of `world`'s places. */
export interface RingMapData {
  world: WorldGeography;
  metric: string;
  ticks: number[];
  /** values[i][p]: the metric of place p at ticks[i]. */
  values: number[][];
  /** population[i][p], to show emptied places as hollow dots (optional). */
  population?: number[][];
}

/** Collects a ring map's data from place:i rows, or null when the run wrote none. */
export function ringMapData(table: MetricTable, world: WorldGeography, metric: string, n = 3): RingMapData | null {
  const P = buildLayout(world).x.length;
  if (!table.has(metric, 'place:0') || !table.has(metric, `place:${P - 1}`)) return null;
  const ticks = pickTicks(table.series(metric, 'place:0').ticks, n);
  const grab = (m: string) => ticks.map((t) => Array.from({ length: P }, (_, p) => table.valueAt(m, `place:${p}`, t)));
  return { world, metric, ticks, values: grab(metric), population: table.has('population', 'place:0') ? grab('population') : undefined };
}

const COLOUR_BAR = 150;
const PANEL_TITLE = 34;

/** Where a value sits on the colour scale, 0..1: linear, or logarithmic when `log`. */
function scaler(lo: number, hi: number, log: boolean): (v: number) => number {
  if (log) return (v) => (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo));
  return (v) => (hi > lo ? (v - lo) / (hi - lo) : 0.5);
}

function drawRingMap(chart: Chart, d: RingMapData, lo: number, hi: number, log: boolean, lang: Lang): void {
  const { ctx, chartArea: a } = chart;
  const layout = buildLayout(d.world);
  const rings = d.world.rings;
  // A hierarchy or a table has no ring circles to draw: its places are drawn where they are.
  const onCircles = !d.world.places;
  const n = d.ticks.length;
  const panelW = (a.right - a.left - COLOUR_BAR) / n;
  const size = Math.min(panelW, a.bottom - a.top - PANEL_TITLE);
  const maxR = onCircles ? Math.max(1e-9, ...rings.map((r) => r.radius)) : Math.max(1e-9, ...Array.from(layout.x, (x, p) => Math.hypot(x, layout.y[p])));
  const scale = (size / 2 - 22) / maxR;
  const norm = scaler(lo, hi, log);
  // Dot area follows residents against the ring's mean place at the first tick (a village that empties shrinks); each ring's dots are sized to its spacing so neighbours never cover each other.
  const ringMean = rings.map((_, k) => {
    const pops = (d.population?.[0] ?? []).slice(layout.ringStart[k], layout.ringStart[k + 1]).filter((v) => v > 0);
    return pops.length ? pops.reduce((x, y) => x + y, 0) / pops.length : 1;
  });
  const firstRing = rings.find((r) => r.radius > 0)?.radius ?? maxR;
  ctx.save();
  for (let i = 0; i < n; i++) {
    const cx = a.left + panelW * (i + 0.5);
    const cy = a.top + PANEL_TITLE + (a.bottom - a.top - PANEL_TITLE) / 2;
    ctx.fillStyle = INK;
    ctx.font = `bold ${FONT.axisTitle}px ${FONT_FAMILY}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText(reportText(lang).tick(d.ticks[i]), cx, a.top + 2);
    for (let k = 0; k < rings.length; k++) {
      const ring = rings[k];
      const count = layout.ringStart[k + 1] - layout.ringStart[k];
      // Places drawn where they lie (no circles) share the panel: dots shrink with their number.
      const spacing = !onCircles ? size / Math.sqrt(layout.x.length) : ring.radius > 0 ? (2 * Math.PI * ring.radius * scale) / count : firstRing * scale;
      const base = onCircles ? Math.max(7, Math.min(16, spacing * 0.42)) : Math.max(2.5, Math.min(12, spacing * 0.42));
      for (let p = layout.ringStart[k]; p < layout.ringStart[k + 1]; p++) {
        const x = cx + layout.x[p] * scale;
        const y = cy - layout.y[p] * scale;
        const v = d.values[i][p];
        const pop = d.population?.[i][p];
        const empty = pop !== undefined && !(pop > 0);
        const r = pop !== undefined && pop > 0 ? Math.max(4, Math.min(1.15 * base, base * Math.sqrt(pop / ringMean[k]))) : base;
        ctx.beginPath();
        ctx.arc(x, y, r, 0, 2 * Math.PI);
        if (empty || !Number.isFinite(v) || (log && !(v > 0))) {
          ctx.strokeStyle = '#555555';
          ctx.lineWidth = 2;
          ctx.stroke();
        } else {
          ctx.fillStyle = viridis(norm(v));
          ctx.fill();
          ctx.strokeStyle = 'rgba(0,0,0,0.6)';
          ctx.lineWidth = 1;
          ctx.stroke();
        }
      }
    }
    // Rings over the dots, so the rural (dashed) circles are never hidden.
    for (const ring of onCircles ? rings : []) {
      if (ring.radius <= 0) continue;
      ctx.strokeStyle = ring.class === 'urban' ? 'rgba(0,0,0,0.45)' : 'rgba(0,0,0,0.8)';
      ctx.lineWidth = ring.class === 'urban' ? 1.5 : 2.5;
      ctx.setLineDash(ring.class === 'urban' ? [] : [10, 7]);
      ctx.beginPath();
      ctx.arc(cx, cy, ring.radius * scale, 0, 2 * Math.PI);
      ctx.stroke();
    }
    ctx.setLineDash([]);
  }
  drawColourBar(ctx, a.right - COLOUR_BAR + 40, a.top + PANEL_TITLE + 10, a.bottom - 10, lo, hi, d.metric, log, lang);
  ctx.restore();
}

function drawColourBar(ctx: CanvasRenderingContext2D, x: number, top: number, bottom: number, lo: number, hi: number, metric: string, log: boolean, lang: Lang): void {
  const w = 26;
  const h = bottom - top;
  for (let y = 0; y < h; y++) {
    ctx.fillStyle = viridis(1 - y / Math.max(1, h - 1));
    ctx.fillRect(x, top + y, w, 1.5);
  }
  ctx.strokeStyle = '#444444';
  ctx.lineWidth = 1;
  ctx.strokeRect(x, top, w, h);
  ctx.fillStyle = INK;
  ctx.font = `${FONT.tick}px ${FONT_FAMILY}`;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  const share = isShare(metric);
  const norm = scaler(lo, hi, log);
  const ticks = log ? logTicks(lo, hi).filter((v) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) : niceTicks(lo, hi, 5);
  for (const v of ticks) {
    const y = bottom - h * norm(v);
    ctx.fillRect(x + w, y - 1, 6, 2);
    ctx.fillText(share ? `${Math.round(v * 100)}%` : fmtNumber(v, 3), x + w + 9, y);
  }
  ctx.save();
  ctx.translate(x - 12, (top + bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.font = `bold ${FONT.tick}px ${FONT_FAMILY}`;
  ctx.fillText(`${axisTitleLine(metric, lang)}${log ? `, ${CHART_TEXT[lang].logScale}` : ''}`, 0, 0);
  ctx.restore();
}

/** Whether a ring map's colours go on a log scale: positive values spanning more than a factor 4, where a linear scale lets the core swamp the villages. */
export function ringMapLog(d: RingMapData): boolean {
  const finite = d.values.flat().filter(Number.isFinite);
  return !isShare(d.metric) && finite.length > 0 && Math.min(...finite) > 0 && Math.max(...finite) / Math.min(...finite) > 4;
}

/** The ring map: places as dots on their rings, coloured by the metric, one panel per tick, one shared colour scale. */
export function ringMapChart(d: RingMapData, lang: Lang = 'en'): ChartConfig {
  const T = CHART_TEXT[lang];
  const title = T.ringMap(metricName(d.metric, lang));
  const finite = d.values.flat().filter(Number.isFinite);
  if (!finite.length) return emptyChart(title, T.noPlaceValues);
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (isShare(d.metric)) [lo, hi] = [Math.min(0, lo), Math.max(1, hi)];
  const log = ringMapLog(d);
  const plugin: Plugin = { id: 'urdRingMap', afterDraw: (chart) => drawRingMap(chart, d, lo, hi, log, lang) };
  const options = chartOptions({
    title,
    subtitle: (d.world.places ? T.placeMapSubtitle(d.world.rings.map((r) => r.label).join(', ')) : T.ringMapSubtitle(d.world.rings.map((r) => r.label).join(', '))).split('\n') as unknown as string,
    x: { title: '' },
    y: { title: '' },
    legend: false,
  });
  options.scales = { x: { display: false, min: 0, max: 1 }, y: { display: false, min: 0, max: 1 } };
  return { type: 'scatter', data: { datasets: [] }, options, plugins: [plugin] };
}
