/**
 * Turns a Chart.js configuration into PNG bytes. One ChartJSNodeCanvas is kept per size (each
 * holds its own Chart.js instance; building one costs tens of milliseconds), and the shared
 * look — fonts, colours, white background — is set once on it.
 */
import type { ChartConfiguration, Plugin } from 'chart.js';
import { ChartJSNodeCanvas } from 'chartjs-node-canvas';
import { existsSync } from 'node:fs';
import { CJK_FONT, DEFAULT_SIZE, FONT, FONT_FAMILY, GRID, INK } from './theme.ts';

/* `any` below: Chart.js' generic types do not survive mixed charts; configs are checked by rendering them. */
/** Chart.js options, loosely typed (Chart.js' own generics reject mixed and multi-panel charts). */
export type ChartOpts = { [key: string]: any; plugins: Record<string, any>; scales: Record<string, any> };

/** A Chart.js configuration as this module builds it. */
export interface ChartConfig {
  type: 'line' | 'bar' | 'scatter';
  data: { labels?: unknown[]; datasets: any[] };
  options: ChartOpts;
  plugins?: Plugin[];
}

/** Width and height of a picture, in pixels. */
export interface Size {
  width: number;
  height: number;
}

/** A rendered chart: its PNG bytes, what it shows, and how long it took. */
export interface ChartImage {
  /** Short identifier, also the file name stem (e.g. `dpd`). */
  id: string;
  title: string;
  /** One or two sentences telling a reader how to read the picture. */
  caption: string;
  png: Buffer;
  width: number;
  height: number;
  ms: number;
}

const canvases = new Map<string, ChartJSNodeCanvas>();

/** The renderer for a size, built on first use and reused afterwards. */
export function canvasFor(size: Size): ChartJSNodeCanvas {
  const key = `${size.width}x${size.height}`;
  let c = canvases.get(key);
  if (!c) {
    c = new ChartJSNodeCanvas({
      width: size.width,
      height: size.height,
      backgroundColour: '#FFFFFF',
      chartCallback: (ChartJS) => {
        ChartJS.defaults.font.family = FONT_FAMILY;
        ChartJS.defaults.font.size = FONT.tick;
        ChartJS.defaults.color = INK;
        ChartJS.defaults.borderColor = GRID;
        ChartJS.defaults.devicePixelRatio = 1;
      },
    });
    // Registered by file, not left to fontconfig's fallback, so a Chinese label never depends on the host's font configuration.
    if (existsSync(CJK_FONT.path)) c.registerFont(CJK_FONT.path, { family: CJK_FONT.family });
    canvases.set(key, c);
  }
  return c;
}

/** Renders a configuration to PNG bytes at a size (default 1280×720). */
export function renderPng(config: ChartConfig, size: Size = DEFAULT_SIZE): Buffer {
  return canvasFor(size).renderToBufferSync(config as unknown as ChartConfiguration, 'image/png');
}

/** Renders and times one chart, returning it with its metadata. */
export function renderChart(id: string, title: string, caption: string, config: ChartConfig, size: Size = DEFAULT_SIZE): ChartImage {
  const t0 = performance.now();
  const png = renderPng(config, size);
  return { id, title, caption, png, width: size.width, height: size.height, ms: performance.now() - t0 };
}

/** Reads width and height from a PNG's IHDR chunk, or null when the bytes are not a PNG. */
export function pngSize(png: Uint8Array): Size | null {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.length < 24 || sig.some((b, i) => png[i] !== b)) return null;
  if (String.fromCharCode(png[12], png[13], png[14], png[15]) !== 'IHDR') return null;
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Axis description for {@link chartOptions}. */
export interface AxisSpec {
  /** Axis title with its unit; an array is drawn as several lines. */
  title: string | string[];
  type?: 'linear' | 'logarithmic' | 'category';
  min?: number;
  max?: number;
  stacked?: boolean;
  /** Formats tick labels (default: the value as Chart.js shows it). */
  format?: (v: number) => string;
  /** Extra Chart.js scale options, merged last. */
  extra?: Record<string, unknown>;
}

/** Shared options: titled chart, titled axes with units, legend at the top, no animation. */
export function chartOptions(o: {
  title: string;
  subtitle?: string;
  x: AxisSpec;
  y: AxisSpec;
  legend?: boolean;
  extraScales?: Record<string, unknown>;
  padding?: { left?: number; right?: number; top?: number; bottom?: number };
}): ChartOpts {
  const axis = (a: AxisSpec) => ({
    type: a.type ?? 'linear',
    min: a.min,
    max: a.max,
    stacked: a.stacked ?? false,
    title: { display: true, text: a.title, font: { size: FONT.axisTitle, weight: 'bold' }, color: INK },
    ticks: { font: { size: FONT.tick }, color: INK, ...(a.format ? { callback: (v: number | string) => a.format!(Number(v)) } : {}) },
    grid: { color: GRID },
    border: { color: '#666666' },
    ...(a.extra ?? {}),
  });
  return {
    responsive: false,
    animation: false,
    layout: { padding: { left: 12, right: 24, top: 8, bottom: 8, ...(o.padding ?? {}) } },
    plugins: {
      title: { display: true, text: wrapTitle(o.title), font: { size: FONT.title, weight: 'bold' }, color: INK, padding: { top: 8, bottom: o.subtitle ? 4 : 12 } },
      subtitle: { display: Boolean(o.subtitle), text: o.subtitle ?? '', font: { size: FONT.subtitle }, color: '#444444', padding: { bottom: 10 } },
      legend: {
        display: o.legend ?? true,
        position: 'top',
        labels: { font: { size: FONT.legend }, color: INK, boxWidth: 40, boxHeight: 16, padding: 18, usePointStyle: true, pointStyleWidth: 44, sort: (a: { datasetIndex?: number }, b: { datasetIndex?: number }) => (a.datasetIndex ?? 0) - (b.datasetIndex ?? 0) },
      },
      tooltip: { enabled: false },
    },
    scales: { x: axis(o.x), y: axis(o.y), ...(o.extraScales ?? {}) },
  };
}

/**
 * Splits a long title into two lines at a space near the middle: Chart.js would otherwise
 * squeeze it horizontally to fit the canvas.
 */
export function wrapTitle(title: string, maxChars = 62): string | string[] {
  if (title.length <= maxChars) return title;
  const mid = title.length / 2;
  let best = -1;
  for (let i = title.indexOf(' '); i >= 0; i = title.indexOf(' ', i + 1)) if (best < 0 || Math.abs(i - mid) < Math.abs(best - mid)) best = i;
  return best < 0 ? title : [title.slice(0, best), title.slice(best + 1)];
}

/** An empty chart that says why there is nothing to show (keeps a report's layout whole). */
export function emptyChart(title: string, message: string): ChartConfig {
  const note: Plugin = {
    id: 'urdEmptyNote',
    afterDraw(chart) {
      const { ctx, chartArea: a } = chart;
      ctx.save();
      ctx.fillStyle = '#555555';
      ctx.font = `${FONT.axisTitle}px ${FONT_FAMILY}`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(message, (a.left + a.right) / 2, (a.top + a.bottom) / 2);
      ctx.restore();
    },
  };
  return {
    type: 'line',
    data: { datasets: [] },
    options: { ...chartOptions({ title, x: { title: '' }, y: { title: '' }, legend: false }), scales: { x: { display: false }, y: { display: false } } },
    plugins: [note],
  };
}
