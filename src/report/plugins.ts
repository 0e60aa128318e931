/**
 * Small Chart.js plugins, passed inline with each chart (never registered globally): shaded
 * periods along the time axis, horizontal reference lines, and error bars on bar charts.
 */
import type { Chart, Plugin } from 'chart.js';
import { FONT, FONT_FAMILY, INK, withAlpha } from './theme.ts';

/** A period on the x axis (e.g. an intervention), drawn as a bar in its lane of the timeline strip. */
export interface Band {
  from: number;
  to: number;
  label: string;
  colour: string;
  /** Lane of the bar, 0 at the top of the strip. */
  lane: number;
}

/** Height of one lane of the timeline strip, in pixels. */
export const BAND_LANE = FONT.note + 12;

/** Room the timeline strip of `lanes` lanes needs under the x axis (reserve it as bottom padding). */
export function timelineRoom(lanes: number): number {
  return lanes > 0 ? lanes * BAND_LANE + 14 : 0;
}

/**
 * Draws programmes as a timeline strip under the plot, aligned with its time axis: one solid
 * bar per band in its own lane, the label inside in a colour that reads on the bar (or just
 * after it when the bar is short). Nothing is drawn over the data, so any number of
 * overlapping programmes stay readable.
 */
export function bandsPlugin(bands: readonly Band[]): Plugin {
  return {
    id: 'urdBands',
    afterDraw(chart: Chart) {
      const { ctx, chartArea: a, scales } = chart;
      const x = scales.x;
      const lanes = bands.length ? Math.max(...bands.map((b) => b.lane)) + 1 : 0;
      const top = chart.height - timelineRoom(lanes) + 6;
      ctx.save();
      ctx.font = `bold ${FONT.note}px ${FONT_FAMILY}`;
      ctx.textBaseline = 'middle';
      ctx.textAlign = 'left';
      for (const b of bands) {
        const x0 = Math.max(a.left, x.getPixelForValue(b.from));
        const x1 = Math.min(a.right, x.getPixelForValue(b.to));
        if (x1 <= x0) continue;
        const y = top + b.lane * BAND_LANE;
        ctx.fillStyle = b.colour;
        ctx.fillRect(x0, y, x1 - x0, BAND_LANE - 4);
        const mid = y + (BAND_LANE - 4) / 2 + 1;
        const inside = fitText(ctx, b.label, x1 - x0 - 10);
        if (inside === b.label) {
          ctx.fillStyle = inkOnHex(b.colour);
          ctx.fillText(b.label, x0 + 5, mid);
        } else {
          ctx.fillStyle = INK;
          const after = fitText(ctx, b.label, chart.width - x1 - 12);
          if (after) ctx.fillText(after, x1 + 6, mid);
          else if (inside) {
            ctx.fillStyle = inkOnHex(b.colour);
            ctx.fillText(inside, x0 + 5, mid);
          }
        }
      }
      ctx.restore();
    },
  };
}

/** Black or white text, whichever reads on a `#RRGGBB` colour. */
function inkOnHex(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  return 0.299 * ((n >> 16) & 255) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255) > 140 ? INK : '#FFFFFF';
}

/** Room at the right of the plot for labels at the ends of lines. */
export const END_LABEL_ROOM = 250;

/**
 * Labels each line at its right end, in its colour and with a sample of its dash, instead of a
 * legend: the eye goes from the line to its name. A stacked area (`urdLabelMid`) is labelled at
 * the middle of its band, after a swatch of its fill, in ink (a light fill is no text colour);
 * points without a line (`showLine: false`) get a dot.
 * On a chart of stacked panels each panel's labels stay beside it. Labels that would overlap
 * are pushed apart, keeping their order. Datasets with `urdBand` (confidence bands) or
 * `urdNoLabel` are skipped.
 */
export function endLabelsPlugin(): Plugin {
  type Item = { y: number; index: number; lines: string[]; colour: string; dash: number[]; fill: string | null; dot: boolean; panel: string; top: number; bottom: number };
  return {
    id: 'urdEndLabels',
    afterDatasetsDraw(chart: Chart) {
      const { ctx, chartArea: a } = chart;
      const lineH = FONT.legend + 3;
      const items: Item[] = [];
      ctx.save();
      ctx.font = `bold ${FONT.legend}px ${FONT_FAMILY}`;
      const lastPoint = (i: number) => {
        const pts = chart.getDatasetMeta(i).data.filter((p) => Number.isFinite(p.y) && !(p as unknown as { skip?: boolean }).skip);
        return pts.length ? pts[pts.length - 1] : null;
      };
      chart.data.datasets.forEach((ds, i) => {
        const d = ds as unknown as Record<string, unknown>;
        if (d.urdBand || d.urdNoLabel || !chart.isDatasetVisible(i)) return;
        const meta = chart.getDatasetMeta(i);
        const last = lastPoint(i);
        if (!last) return;
        const scale = chart.scales[meta.yAxisID ?? 'y'] ?? { top: a.top, bottom: a.bottom, getPixelForValue: () => a.bottom };
        let y = last.y;
        if (d.urdLabelMid) {
          // The band lies between this line and the one stacked under it (or the axis's zero).
          let under = i - 1;
          while (under >= 0 && !((chart.data.datasets[under] as unknown as Record<string, unknown>).stack === d.stack && chart.getDatasetMeta(under).yAxisID === meta.yAxisID)) under--;
          const base = under >= 0 ? (lastPoint(under)?.y ?? scale.getPixelForValue(0)) : scale.getPixelForValue(0);
          y = (y + base) / 2;
        }
        const fill = d.urdLabelMid ? String(d.backgroundColor ?? INK) : null;
        items.push({ y: Math.min(scale.bottom, Math.max(scale.top, y)), index: i, lines: wrapWords(ctx, String(ds.label ?? ''), END_LABEL_ROOM - 48), colour: String(d.borderColor ?? INK), dash: (d.borderDash as number[]) ?? [], fill, dot: d.showLine === false, panel: meta.yAxisID ?? 'y', top: scale.top, bottom: scale.bottom });
      });
      const panels = [...new Set(items.map((it) => it.panel))];
      const lowest = Math.max(...items.map((it) => it.bottom));
      for (const panel of panels) {
        // Level with each other (empty bands at one edge), the later dataset (stacked higher) goes on top.
        const group = items.filter((it) => it.panel === panel).sort((p, q) => p.y - q.y || q.index - p.index);
        const half = (it: Item) => (it.lines.length * lineH) / 2;
        // Push apart downwards, then back up if the last one fell off its panel (or the canvas).
        for (let k = 1; k < group.length; k++) {
          const need = group[k - 1].y + half(group[k - 1]) + half(group[k]) + 6;
          if (group[k].y < need) group[k].y = need;
        }
        for (let k = group.length - 1; k >= 0; k--) {
          const floor = group[k].bottom === lowest ? chart.height - 8 : group[k].bottom + 10;
          const limit = k === group.length - 1 ? floor - half(group[k]) : group[k + 1].y - half(group[k + 1]) - half(group[k]) - 6;
          if (group[k].y > limit) group[k].y = limit;
        }
      }
      const x = a.right + 8;
      for (const it of items) {
        if (it.fill) {
          ctx.fillStyle = it.fill;
          ctx.fillRect(x, it.y - 9, 34, 18);
          ctx.strokeStyle = '#666666';
          ctx.lineWidth = 1;
          ctx.strokeRect(x, it.y - 9, 34, 18);
        }
        if (it.dot) {
          // Points without a line (observations): a dot, not a line sample.
          ctx.fillStyle = it.colour;
          ctx.beginPath();
          ctx.arc(x + 17, it.y, 7, 0, 2 * Math.PI);
          ctx.fill();
        }
        ctx.strokeStyle = it.colour;
        ctx.lineWidth = it.fill ? 3 : 4;
        ctx.setLineDash(it.dash);
        ctx.beginPath();
        ctx.moveTo(x, it.fill ? it.y - 9 : it.y);
        ctx.lineTo(x + 34, it.fill ? it.y - 9 : it.y);
        if (!it.dot && (!it.fill || it.colour !== '#FFFFFF')) ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = it.fill || it.colour === '#F0E442' ? INK : it.colour;
        ctx.textAlign = 'left';
        ctx.textBaseline = 'middle';
        it.lines.forEach((line, j) => ctx.fillText(line, x + 40, it.y + (j - (it.lines.length - 1) / 2) * lineH));
      }
      ctx.restore();
    },
  };
}

/** Splits text into lines no wider than `width` (at spaces, or between CJK characters). */
export function wrapWords(ctx: CanvasRenderingContext2D, text: string, width: number): string[] {
  const words = /\s/.test(text) ? text.split(/\s+/) : [...text];
  const sep = /\s/.test(text) ? ' ' : '';
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    const next = cur ? cur + sep + w : w;
    // A closing bracket or punctuation never starts a line: it stays with what it closes.
    if (cur && ctx.measureText(next).width > width && !/^[)）」』，。、：；！？]/.test(w)) {
      lines.push(cur);
      cur = w;
    } else cur = next;
  }
  if (cur) lines.push(cur);
  return lines.slice(0, 3);
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
