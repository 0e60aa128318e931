import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, SubTitle, Title, Tooltip, type ChartDataset } from 'chart.js';
import type { Lang } from '../../i18n/terms.ts';
import { term } from '../../i18n/terms.ts';
import { STAGE_GAPS } from '../../metrics/reporters.ts';
import { CLASS_COLOURS, DASHES, GRID, INK, LEVEL_COLOURS, OKABE_ITO, seriesColour, STAGE_COLOURS } from '../../report/theme.ts';
import type { Frame } from '../session.ts';
import { FONT_STACK, word } from './strings.ts';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, BarController, BarElement, Legend, Title, SubTitle, Tooltip);
Chart.defaults.font.family = FONT_STACK;
Chart.defaults.color = INK;
Chart.defaults.animation = false;
Chart.defaults.font.size = 13;
Chart.defaults.plugins.title.font = { size: 16, weight: 'bold' };

type Point = { x: number; y: number };
/** A line: its label, colour, and what it reads from a frame. */
interface LineSpec {
  label: (lang: Lang) => string;
  colour: string;
  value: (f: Frame) => number;
  axis?: 'y' | 'y2';
}

const LADDER: { key: 'access' | 'use' | 'outcomes'; levels: string[]; colour: string }[] = [
  { key: 'access', levels: ['level1', 'level2', 'level3'], colour: LEVEL_COLOURS[1] },
  { key: 'use', levels: ['level2', 'level3'], colour: LEVEL_COLOURS[2] },
  { key: 'outcomes', levels: ['level3'], colour: LEVEL_COLOURS[3] },
];

function share(f: Frame, scope: string, levels: string[]): number {
  return levels.reduce((s, l) => s + f.scopes[scope][l], 0);
}

/** The time charts: their titles and the lines each draws for every world. */
const TIME_CHARTS: { id: string; title: (lang: Lang) => string; lines: LineSpec[]; y2?: (lang: Lang) => string }[] = [
  { id: 'dpd', title: (l) => term('dpd', l), lines: [{ label: () => 'DPD', colour: OKABE_ITO.black, value: (f) => f.scopes.all.dpd }] },
  {
    id: 'ratios',
    title: (l) => word('stageRatios', l),
    lines: STAGE_GAPS.map(([stage]) => ({ label: (l: Lang) => word(stage, l), colour: STAGE_COLOURS[stage], value: (f: Frame) => f.scopes.all[`ratio_${stage}`] })),
  },
  {
    id: 'ladder',
    title: (l) => `${word('ladder', l)} — ${term('digitalDivide', l)}`,
    lines: LADDER.map((s) => ({ label: (l: Lang) => word(s.key, l), colour: s.colour, value: (f: Frame) => 100 * (share(f, 'urban', s.levels) - share(f, 'rural', s.levels)) })),
  },
  {
    id: 'flows',
    title: (l) => word('flows', l),
    y2: (l) => word('capitalFlow', l),
    lines: [
      { label: (l) => word('migrants', l), colour: CLASS_COLOURS.rural, value: (f) => f.scopes.all.migrants_net_to_rural },
      { label: (l) => word('capitalFlow', l), colour: CLASS_COLOURS.urban, value: (f) => f.scopes.all.capital_net_to_rural, axis: 'y2' },
    ],
  },
];

/** The live charts of the page: time series per world (the second world dashed) and spending by ring. */
export class Charts {
  private readonly time = new Map<string, Chart<'line', Point[]>>();
  private spending: Chart<'bar', number[]> | null = null;
  private worlds = 1;
  private names: string[] = [];

  constructor(private readonly canvases: Record<string, HTMLCanvasElement>) {}

  /** Builds empty charts for this many worlds, in a language, with ring labels for the spending chart. */
  reset(lang: Lang, worlds: number, ringLabels: string[], worldNames: string[]): void {
    this.names = worldNames;
    for (const c of this.time.values()) c.destroy();
    this.time.clear();
    this.spending?.destroy();
    this.worlds = worlds;
    const grid = { color: GRID };
    for (const spec of TIME_CHARTS) {
      const datasets: ChartDataset<'line', Point[]>[] = [];
      for (let w = 0; w < worlds; w++) {
        for (const line of spec.lines) {
          datasets.push({
            label: this.label(spec, line, lang, w),
            data: [],
            borderColor: spec.lines.length === 1 ? seriesColour(w) : line.colour,
            backgroundColor: spec.lines.length === 1 ? seriesColour(w) : line.colour,
            borderDash: DASHES[w],
            borderWidth: 2.5,
            pointRadius: 0,
            yAxisID: line.axis ?? 'y',
          });
        }
      }
      const scales: Record<string, object> = { x: { type: 'linear', title: { display: true, text: word('tick', lang) }, grid }, y: { grid } };
      if (spec.y2) scales.y2 = { position: 'right', title: { display: true, text: spec.y2(lang) }, grid: { drawOnChartArea: false } };
      this.time.set(
        spec.id,
        new Chart<'line', Point[]>(this.canvases[spec.id], {
          type: 'line',
          data: { datasets },
          options: {
            responsive: true,
            maintainAspectRatio: false,
            parsing: false,
            normalized: true,
            plugins: {
              title: { display: true, text: spec.title(lang) },
              subtitle: { display: worlds > 1 && spec.lines.length > 1, text: this.subtitle() },
              legend: { labels: { boxWidth: 18, filter: (item: { datasetIndex?: number }) => spec.lines.length === 1 || (item.datasetIndex ?? 0) < spec.lines.length } },
            },
            scales,
          } as never,
        }),
      );
    }
    this.spending = new Chart(this.canvases.spending, {
      type: 'bar',
      data: {
        labels: ringLabels,
        datasets: Array.from({ length: worlds }, (_, w) => ({ label: worldNames[w], data: ringLabels.map(() => 0), backgroundColor: seriesColour(w) })),
      },
      options: { responsive: true, maintainAspectRatio: false, plugins: { title: { display: true, text: word('spending', lang) }, legend: { display: worlds > 1 } }, scales: { y: { beginAtZero: true, grid } } },
    });
  }

  /** Which line style is which world. */
  private subtitle(): string {
    return this.names.map((n, w) => `${['——', '- - -'][w]} ${n}`).join('    ');
  }

  /** A line's legend label: with several lines and two worlds the legend names the lines once (the second world is dashed). */
  private label(spec: (typeof TIME_CHARTS)[number], line: LineSpec, lang: Lang, w: number): string {
    if (this.worlds === 1) return line.label(lang);
    return spec.lines.length > 1 ? line.label(lang) : `${line.label(lang)} · ${this.names[w]}`;
  }

  /** Puts every title, legend and axis title in another language, keeping the data. */
  relabel(lang: Lang, worldNames: string[]): void {
    this.names = worldNames;
    for (const spec of TIME_CHARTS) {
      const chart = this.time.get(spec.id) as Chart<'line', Point[]>;
      for (let w = 0; w < this.worlds; w++) {
        spec.lines.forEach((line, k) => (chart.data.datasets[w * spec.lines.length + k].label = this.label(spec, line, lang, w)));
      }
      const options = chart.options as { plugins: { title: { text: string }; subtitle: { text: string } }; scales: Record<string, { title?: { text: string } }> };
      options.plugins.title.text = spec.title(lang);
      options.plugins.subtitle.text = this.subtitle();
      (options.scales.x.title as { text: string }).text = word('tick', lang);
      if (spec.y2) (options.scales.y2.title as { text: string }).text = spec.y2(lang);
    }
    if (this.spending) {
      (this.spending.options.plugins as { title: { text: string } }).title.text = word('spending', lang);
      this.spending.data.datasets.forEach((d, w) => (d.label = worldNames[w]));
    }
  }

  /** Adds one tick of every world (frames in world order). */
  add(frames: Frame[]): void {
    for (const spec of TIME_CHARTS) {
      const chart = this.time.get(spec.id) as Chart<'line', Point[]>;
      frames.forEach((f, w) => spec.lines.forEach((line, k) => chart.data.datasets[w * spec.lines.length + k].data.push({ x: f.tick, y: line.value(f) })));
    }
    const bars = this.spending as Chart<'bar', number[]>;
    frames.forEach((f, w) => (bars.data.datasets[w].data = f.ringSpendingPc));
  }

  /** The charts' ids, for drawing them one at a time. */
  ids(): string[] {
    return [...this.time.keys(), 'spending'];
  }

  /** Redraws one chart with the data added so far. */
  drawChart(id: string): void {
    (id === 'spending' ? this.spending : this.time.get(id))?.update('none');
  }

  /** Redraws every chart. */
  draw(): void {
    for (const id of this.ids()) this.drawChart(id);
  }

  /** The numbers each chart shows (for tests and the result element): chart id → dataset → values. */
  values(): Record<string, number[][]> {
    const out: Record<string, number[][]> = {};
    for (const [id, c] of this.time) out[id] = c.data.datasets.map((d) => d.data.map((p) => p.y));
    if (this.spending) out.spending = this.spending.data.datasets.map((d) => [...d.data]);
    return out;
  }
}
