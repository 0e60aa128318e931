/**
 * Small Chart.js plugins, passed inline with each chart (never registered globally): shaded
 * periods along the time axis, horizontal reference lines, and error bars on bar charts.
 */
import type { Chart, Plugin } from 'chart.js';
import { FONT, FONT_FAMILY, INK, withAlpha } from './theme.ts';

/** A shaded period on the x axis (e.g. an intervention), labelled in its own lane at the top. */
export interface Band {
  from: number;
  to: number;
  label: string;
  colour: string;
  /** Lane of the label, 0 at the top. */
  lane: number;
}

/** Height of one label lane, in pixels. */
export const BAND_LANE = FONT.note + 10;

/**
 * Shades each band across the plot area and writes its label in a strip at the top of the
 * plot, one lane per band (reserve lanes × BAND_LANE pixels with the y axis `grace` or max).
 */
export function bandsPlugin(bands: readonly Band[]): Plugin {
  return {
    id: 'urdBands',
    beforeDatasetsDraw(chart: Chart) {
      const { ctx, chartArea: a, scales } = chart;
      const x = scales.x;
      ctx.save();
      for (const b of bands) {
        const x0 = Math.max(a.left, x.getPixelForValue(b.from));
        const x1 = Math.min(a.right, x.getPixelForValue(b.to));
        if (x1 <= x0) continue;
        ctx.fillStyle = withAlpha(b.colour, 0.13);
        ctx.fillRect(x0, a.top, x1 - x0, a.bottom - a.top);
        const y = a.top + b.lane * BAND_LANE + 2;
        ctx.fillStyle = withAlpha(b.colour, 0.85);
        ctx.fillRect(x0, y, x1 - x0, BAND_LANE - 4);
        ctx.fillStyle = '#FFFFFF';
        ctx.font = `bold ${FONT.note}px ${FONT_FAMILY}`;
        ctx.textBaseline = 'middle';
        ctx.textAlign = 'left';
        const text = fitText(ctx, b.label, x1 - x0 - 8);
        if (text) ctx.fillText(text, x0 + 4, y + (BAND_LANE - 4) / 2 + 1);
      }
      ctx.restore();
    },
  };
}

/** Shortens text with an ellipsis to fit a width; '' when not even one character fits. */
export function fitText(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  for (let n = text.length - 1; n > 0; n--) {
    const t = text.slice(0, n) + '…';
    if (ctx.measureText(t).width <= width) return t;
  }
  return '';
}

/** A horizontal reference line at a value of a y scale. */
export interface RefLine {
  value: number;
  label: string;
  colour?: string;
  dash?: number[];
  /** Scale id (default `y`). */
  scale?: string;
}

/** Draws horizontal reference lines (e.g. parity at 1, zero) with a label at the right end. */
export function refLinesPlugin(lines: readonly RefLine[]): Plugin {
  return {
    id: 'urdRefLines',
    beforeDatasetsDraw(chart: Chart) {
      const { ctx, chartArea: a } = chart;
      ctx.save();
      for (const l of lines) {
        const scale = chart.scales[l.scale ?? 'y'];
        if (!scale) continue;
        const y = scale.getPixelForValue(l.value);
        if (!(y >= a.top - 0.5 && y <= a.bottom + 0.5)) continue;
        ctx.strokeStyle = l.colour ?? '#444444';
        ctx.lineWidth = 2;
        ctx.setLineDash(l.dash ?? [8, 6]);
        ctx.beginPath();
        ctx.moveTo(a.left, y);
        ctx.lineTo(a.right, y);
        ctx.stroke();
        if (l.label) {
          ctx.setLineDash([]);
          ctx.font = `${FONT.note}px ${FONT_FAMILY}`;
          ctx.fillStyle = l.colour ?? '#444444';
          ctx.textAlign = 'left';
          ctx.textBaseline = 'bottom';
          ctx.fillText(l.label, a.left + 6, y - 4);
        }
      }
      ctx.restore();
    },
  };
}

/** Draws error bars (lo..hi per bar index) over the first dataset of a bar chart. */
export function errorBarsPlugin(lo: readonly (number | undefined)[], hi: readonly (number | undefined)[]): Plugin {
  return {
    id: 'urdErrorBars',
    afterDatasetsDraw(chart: Chart) {
      const meta = chart.getDatasetMeta(0);
      const y = chart.scales.y;
      const { ctx } = chart;
      ctx.save();
      ctx.strokeStyle = INK;
      ctx.lineWidth = 2.5;
      meta.data.forEach((bar, i) => {
        const l = lo[i];
        const h = hi[i];
        if (l === undefined || h === undefined || !Number.isFinite(l) || !Number.isFinite(h)) return;
        const x = bar.x;
        const y0 = y.getPixelForValue(l);
        const y1 = y.getPixelForValue(h);
        const w = 12;
        ctx.beginPath();
        ctx.moveTo(x, y0);
        ctx.lineTo(x, y1);
        ctx.moveTo(x - w, y0);
        ctx.lineTo(x + w, y0);
        ctx.moveTo(x - w, y1);
        ctx.lineTo(x + w, y1);
        ctx.stroke();
      });
      ctx.restore();
    },
  };
}

/** Writes a note in the lower-left corner of the plot area (e.g. a data caveat). */
export function cornerNotePlugin(text: string): Plugin {
  return {
    id: 'urdCornerNote',
    afterDraw(chart: Chart) {
      if (!text) return;
      const { ctx, chartArea: a } = chart;
      ctx.save();
      ctx.font = `${FONT.note}px ${FONT_FAMILY}`;
      ctx.fillStyle = '#555555';
      ctx.textAlign = 'left';
      ctx.textBaseline = 'bottom';
      ctx.fillText(text, a.left + 8, a.bottom - 6);
      ctx.restore();
    },
  };
}
