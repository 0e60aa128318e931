import type { Layout } from '../../engine/geometry.ts';
import type { Lang } from '../../i18n/terms.ts';
import { CLASS_COLOURS, diverging, fmtNumber, GRID, INK, OKABE_ITO, viridis } from '../../report/theme.ts';
import type { Frame, PlaceMeasure } from '../session.ts';
import { FONT_STACK, tippingLabel, word } from './strings.ts';

/** A place is marked hollowed once it holds less than this share of its starting population. */
const HOLLOWED = 0.5;
/** CSS pixels at the bottom of the canvas kept for the legend. */
const LEGEND_HEIGHT = 110;

/**
 * The animated ring map: places at their positions, coloured by a measure on a scale that
 * stretches to every value seen so far in this run (so a village's change stays visible as the
 * world moves), sized by population, tipping and hollowed places marked, and the tick's net
 * flows of people and capital between the urban and rural rings drawn as arrows.
 */
export class RingMap {
  private range: [number, number] = [Infinity, -Infinity];
  /** The places at tick 0: hollowed places and changes are measured against them. */
  private initial: Frame['places'] | null = null;
  private frame: Frame | null = null;
  private radius: Float64Array = new Float64Array(0);
  /** The legend's colour bar, drawn once per ramp and size (its hundreds of one-pixel strips cost more than the places). */
  private bar: { key: string; image: HTMLCanvasElement } | null = null;
  measure: PlaceMeasure = 'tau';
  /** Colour the change since tick 0 (diverging, centred on no change) instead of the level: a village's small gains show. */
  change = false;
  selected = -1;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private layout: Layout,
  ) {}

  /** Starts a new run's map (a new layout and scale). */
  reset(layout: Layout): void {
    this.layout = layout;
    this.range = [Infinity, -Infinity];
    this.initial = null;
    this.frame = null;
    this.selected = -1;
  }

  /** Changes the measure or the scale (level or change) and restarts the scale from the frames to come. */
  setMeasure(measure: PlaceMeasure, change: boolean): void {
    this.measure = measure;
    this.change = change;
    this.range = [Infinity, -Infinity];
    if (this.frame) this.show(this.frame);
  }

  /** What place p shows in a frame: the measure, or its change since tick 0. */
  private valueOf(f: Frame, p: number): number {
    const v = f.places[this.measure][p];
    return this.change && this.initial ? v - this.initial[this.measure][p] : v;
  }

  /** Position in [0, 1] of a value on the colour ramp; changes are centred on 0. */
  private rampPosition(v: number): number {
    const [lo, hi] = this.range;
    if (this.change) {
      const reach = Math.max(Math.abs(lo), Math.abs(hi));
      return reach > 0 ? 0.5 + v / (2 * reach) : 0.5;
    }
    return hi > lo ? (v - lo) / (hi - lo) : 0.5;
  }

  private ramp(t: number): string {
    return this.change ? diverging(t) : viridis(t);
  }

  /** Takes the newest frame of the world the map shows (drawn at the next {@link draw}). */
  show(frame: Frame): void {
    this.frame = frame;
    this.initial ??= frame.places;
    for (let p = 0; p < frame.places.population.length; p++) {
      const v = this.valueOf(frame, p);
      if (v < this.range[0]) this.range[0] = v;
      if (v > this.range[1]) this.range[1] = v;
    }
  }

  private geometry(): { scale: number; cx: number; cy: number } {
    const { width, height } = this.canvas;
    let reach = 1e-9;
    for (let p = 0; p < this.layout.x.length; p++) reach = Math.max(reach, Math.hypot(this.layout.x[p], this.layout.y[p]));
    const legend = LEGEND_HEIGHT * devicePixelRatio;
    return { scale: (Math.min(width, height - legend) / 2 - 24 * devicePixelRatio) / reach, cx: width / 2, cy: (height - legend) / 2 };
  }

  /** Ring of a place. */
  ringOf(p: number): number {
    return this.layout.ring[p];
  }

  /** Index of the place under a point of the canvas (CSS pixels), or -1. */
  placeAt(x: number, y: number): number {
    const { scale, cx, cy } = this.geometry();
    const px = x * devicePixelRatio;
    const py = y * devicePixelRatio;
    let best = -1;
    let bestD = Infinity;
    for (let p = 0; p < this.layout.x.length; p++) {
      const d = Math.hypot(cx + this.layout.x[p] * scale - px, cy + this.layout.y[p] * scale - py);
      if (d <= Math.max(this.radius[p] ?? 0, 6 * devicePixelRatio) && d < bestD) {
        best = p;
        bestD = d;
      }
    }
    return best;
  }

  draw(lang: Lang): void {
    const canvas = this.canvas;
    const w = Math.round(canvas.clientWidth * devicePixelRatio);
    const h = Math.round(canvas.clientHeight * devicePixelRatio);
    if (canvas.width !== w || canvas.height !== h) [canvas.width, canvas.height] = [w, h];
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
    ctx.clearRect(0, 0, w, h);
    const f = this.frame;
    if (!f) return;
    const dpr = devicePixelRatio;
    const { scale, cx, cy } = this.geometry();
    const { x, y } = this.layout;
    const pop = f.places.population;
    let maxPop = 1;
    for (const n of pop) maxPop = Math.max(maxPop, n);
    // Ring circles under the places; a place's largest disc is the gap between neighbours on the tightest ring.
    ctx.strokeStyle = GRID;
    ctx.lineWidth = dpr;
    const starts = this.layout.ringStart;
    let spacing = 60 * dpr;
    for (let r = 0; r + 1 < starts.length; r++) {
      const first = starts[r];
      const count = starts[r + 1] - first;
      const radius = Math.hypot(x[first], y[first]) * scale;
      if (radius > 0) spacing = Math.min(spacing, (2 * Math.PI * radius) / count);
      ctx.beginPath();
      ctx.arc(cx, cy, radius, 0, 2 * Math.PI);
      ctx.stroke();
    }
    this.drawFlows(ctx, f, cx, cy, scale);
    this.radius = new Float64Array(x.length);
    for (let p = 0; p < x.length; p++) {
      const r = Math.max(2 * dpr, Math.min(34 * dpr, Math.max(spacing / 2, 4 * dpr) * Math.sqrt(pop[p] / (maxPop * 0.02))));
      this.radius[p] = r;
      const px = cx + x[p] * scale;
      const py = cy + y[p] * scale;
      ctx.beginPath();
      ctx.arc(px, py, r, 0, 2 * Math.PI);
      ctx.fillStyle = this.ramp(this.rampPosition(this.valueOf(f, p)));
      ctx.fill();
      const hollow = this.initial && pop[p] < HOLLOWED * this.initial.population[p];
      if (f.places.tipped[p] || hollow || p === this.selected) {
        ctx.lineWidth = 2.5 * dpr;
        ctx.setLineDash(hollow && !f.places.tipped[p] ? [3 * dpr, 2 * dpr] : []);
        ctx.strokeStyle = p === this.selected ? INK : OKABE_ITO.vermillion;
        ctx.beginPath();
        ctx.arc(px, py, r + 2.5 * dpr, 0, 2 * Math.PI);
        ctx.stroke();
        ctx.setLineDash([]);
      }
    }
    this.drawLegend(ctx, f, w, h, lang);
  }

  /** Net flows of the tick between the urban and the rural rings: arrows pointing the way they go, width by size. */
  private drawFlows(ctx: CanvasRenderingContext2D, f: Frame, cx: number, cy: number, scale: number): void {
    const dpr = devicePixelRatio;
    let urbanReach = 0;
    for (let p = 0; p < this.layout.x.length; p++) if (this.layout.urban[p]) urbanReach = Math.max(urbanReach, Math.hypot(this.layout.x[p], this.layout.y[p]));
    const flows = [
      { value: f.scopes.all.migrants_net_to_rural, colour: CLASS_COLOURS.rural, angle: -Math.PI / 4, total: f.scopes.all.population },
      { value: f.scopes.all.capital_net_to_rural, colour: CLASS_COLOURS.urban, angle: (-3 * Math.PI) / 4, total: f.scopes.all.capital_pc * f.scopes.all.population },
    ];
    for (const flow of flows) {
      if (!Number.isFinite(flow.value) || flow.value === 0) continue;
      const inner = (urbanReach + 0.3) * scale;
      const outer = inner + 1.4 * scale;
      const [from, to] = flow.value > 0 ? [inner, outer] : [outer, inner];
      const ux = Math.cos(flow.angle);
      const uy = Math.sin(flow.angle);
      const width = dpr * Math.min(16, 2 + 400 * Math.abs(flow.value) / Math.max(1, flow.total));
      ctx.strokeStyle = ctx.fillStyle = flow.colour;
      ctx.lineWidth = width;
      ctx.beginPath();
      ctx.moveTo(cx + ux * from, cy + uy * from);
      ctx.lineTo(cx + ux * to, cy + uy * to);
      ctx.stroke();
      const head = 6 * dpr + width;
      const tx = cx + ux * to;
      const ty = cy + uy * to;
      const dir = flow.value > 0 ? 1 : -1;
      ctx.beginPath();
      ctx.moveTo(tx + ux * head * dir * 0.6, ty + uy * head * dir * 0.6);
      ctx.lineTo(tx - uy * head * 0.6, ty + ux * head * 0.6);
      ctx.lineTo(tx + uy * head * 0.6, ty - ux * head * 0.6);
      ctx.fill();

    }
  }

  private colourBar(width: number, height: number): HTMLCanvasElement {
    const key = `${this.change} ${width} ${height}`;
    if (this.bar?.key !== key) {
      const image = document.createElement('canvas');
      image.width = Math.ceil(width + 1);
      image.height = Math.ceil(height);
      const ctx = image.getContext('2d') as CanvasRenderingContext2D;
      for (let i = 0; i < width; i++) {
        ctx.fillStyle = this.ramp(i / width);
        ctx.fillRect(i, 0, 1.5, height);
      }
      this.bar = { key, image };
    }
    return this.bar.image;
  }

  private drawLegend(ctx: CanvasRenderingContext2D, f: Frame, w: number, h: number, lang: Lang): void {
    const dpr = devicePixelRatio;
    let [lo, hi] = this.range;
    if (this.change) [lo, hi] = [-Math.max(Math.abs(lo), Math.abs(hi)), Math.max(Math.abs(lo), Math.abs(hi))];
    const barW = Math.min(w - 40 * dpr, 320 * dpr);
    const x0 = 20 * dpr;
    const y0 = h - (LEGEND_HEIGHT - 8) * dpr;
    ctx.drawImage(this.colourBar(barW, 12 * dpr), x0, y0);
    ctx.fillStyle = INK;
    ctx.font = `${13 * dpr}px ${FONT_STACK}`;
    ctx.textBaseline = 'top';
    ctx.fillText(Number.isFinite(lo) ? fmtNumber(lo, 3) : '', x0, y0 + 15 * dpr);
    const hiText = Number.isFinite(hi) ? fmtNumber(hi, 3) : '';
    ctx.fillText(hiText, x0 + barW - ctx.measureText(hiText).width, y0 + 15 * dpr);
    const mid = this.change ? `Δ ${word(this.measure, lang)}` : word(this.measure, lang);
    ctx.fillText(mid, x0 + barW / 2 - ctx.measureText(mid).width / 2, y0 + 15 * dpr);
    // Markers, then the tick's net flows in words (the arrows show direction and size), laid
    // out left to right and wrapped, so no label runs off a narrow canvas.
    const items: { text: string; colour: string; mark?: number[] }[] = [
      { text: tippingLabel(lang), colour: INK, mark: [] },
      { text: word('hollowed', lang), colour: INK, mark: [3 * dpr, 2 * dpr] },
      { text: word('flowsNow', lang), colour: INK },
      { text: `${word('migrants', lang)} ${fmtNumber(f.scopes.all.migrants_net_to_rural, 3)}`, colour: CLASS_COLOURS.rural },
      { text: `${word('capitalFlow', lang)} ${fmtNumber(f.scopes.all.capital_net_to_rural, 3)}`, colour: CLASS_COLOURS.urban },
    ];
    let x = x0;
    let y = y0 + 36 * dpr;
    for (const item of items) {
      const width = ctx.measureText(item.text).width + (item.mark ? 18 * dpr : 0);
      if (x > x0 && x + width > w - 6 * dpr) {
        x = x0;
        y += 19 * dpr;
      }
      if (item.mark) {
        ctx.strokeStyle = OKABE_ITO.vermillion;
        ctx.lineWidth = 2.5 * dpr;
        ctx.setLineDash(item.mark);
        ctx.beginPath();
        ctx.arc(x + 6 * dpr, y + 7 * dpr, 6 * dpr, 0, 2 * Math.PI);
        ctx.stroke();
        ctx.setLineDash([]);
      }
      ctx.fillStyle = item.colour;
      ctx.fillText(item.text, x + (item.mark ? 18 * dpr : 0), y);
      x += width + 12 * dpr;
    }
    ctx.textBaseline = 'alphabetic';
  }
}
