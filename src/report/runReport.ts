/**
 * The report of one run folder: renders every run chart from the folder's files, writes the
 * PNGs to `<dir>/charts/` and one self-contained `<dir>/report.html` telling the story.
 */
import { join } from 'node:path';
import { SUMMARY_METRICS } from '../metrics/summary.ts';
import { LEVERS } from '../scenario/schema.ts';
import { writeOutput, writePngs } from './files.ts';
import { contentsHtml, escapeHtml, figureHtml, noteHtml, pageHtml, tableHtml } from './html.ts';
import { metricName } from './labels.ts';
import { type RunFolder, readRunFolder } from './read.ts';
import { type ChartConfig, type ChartImage, type Size, renderChart } from './render.ts';
import { pickTicks, ringMapChart, ringMapData, ringProfileChart } from './ringCharts.ts';
import { runStory } from './story.ts';
import { DEFAULT_SIZE, fmtNumber, fmtPercent } from './theme.ts';
import { dpdChart, flowsChart, hasSpending, inequalityChart, ladderChart, stageRatiosChart, spendingChart } from './timeCharts.ts';

/** What to draw; every field has a default. */
export interface RunChartOptions {
  /** Picture size (default 1280×720). */
  size?: Size;
  /** Metrics drawn as ring profiles (default population, tau, capital_pc, income_pc). */
  profileMetrics?: string[];
  /** Metrics drawn as ring maps, when the run has place rows (default tau, income_pc). */
  mapMetrics?: string[];
  /** Number of ticks compared in profiles and maps (default 3: first, middle, last). */
  panels?: number;
}

/** The charts of a run, with what the report needs to say about them. */
export interface RunCharts {
  run: RunFolder;
  charts: ChartImage[];
  /** Caveats for the reader (e.g. no place rows, so no ring map). */
  notes: string[];
  /** Milliseconds spent reading the folder. */
  readMs: number;
  /** Milliseconds per chart id (rendering and PNG encoding). */
  timings: Record<string, number>;
}

/** The flag that makes `urd run` write the per-place rows the ring map needs. */
export const PLACE_ROWS_FLAG = '--set metrics.placeSnapshots=true';

/** Reads a run folder and renders all of its charts; returns them with per-chart timings. */
export function renderRunCharts(dir: string, opts: RunChartOptions = {}): RunCharts {
  const t0 = performance.now();
  const run = readRunFolder(dir);
  const readMs = performance.now() - t0;
  const size = opts.size ?? DEFAULT_SIZE;
  const { metrics: table, summary, manifest } = run;
  const scenario = manifest.scenario;
  const rings = scenario.world.rings;
  const charts: ChartImage[] = [];
  const notes: string[] = [];
  const add = (id: string, title: string, caption: string, config: ChartConfig) => charts.push(renderChart(id, title, caption, config, size));

  const shaded = (scenario.interventions ?? []).length ? ' Shaded periods show when each intervention acted.' : '';
  add('dpd', 'Digital potential difference over time', `The DPD adds up the weighted logarithms of the five urban/rural ratios: 0 means no gap, above 0 means the urban places are ahead.${shaded}`, dpdChart(table, scenario.interventions ?? [], `Verdict: ${summary.verdict}. ${summary.trend.n}-tick trend ${fmtNumber(summary.trend.slope, 3)} per tick.`));
  add('stage-ratios', 'Urban/rural ratio of each stage', 'One line per stage of the chain, technology → capital → talent → production → rights. The scale is logarithmic, so twice and half are equally far from parity (1).', stageRatiosChart(table));
  add('flows', 'Net flows toward the rural places', 'Capital and residents moving each tick between urban and rural places; below zero they leave the villages for the city (backwash, the “digital run”).', flowsChart(table));
  add('ladder', 'The divide ladder', 'Shares of residents at each level of the digital divide: 0 no access, 1 access, 2 skills and use, 3 outcomes (earning from digital production).', ladderChart(table));
  add('inequality', 'Income inequality', 'The Gini index (top) and the Theil index (bottom), split into inequality between urban and rural residents and inequality within each group.', inequalityChart(table));
  if (hasSpending(table, LEVERS)) add('spending', 'Public spending by lever', 'Spending per tick by the lever it goes through; overspend is scaled down in proportion to the budget.', spendingChart(table, LEVERS));

  const ticks = pickTicks(table.ticks(), opts.panels ?? 3);
  for (const m of opts.profileMetrics ?? ['population', 'tau', 'capital_pc', 'income_pc']) {
    const what = m === 'population' ? 'The residents living on each ring' : "The mean over each ring's residents";
    add(`profile-${m}`, `${metricName(m)} by ring`, `${what} at ticks ${ticks.join(', ')}: the circle layers from the core outward.`, ringProfileChart(table, rings, m, ticks));
  }
  const maps = opts.mapMetrics ?? ['tau', 'income_pc'];
  if (table.places().length === 0) {
    notes.push(`This run has no per-place rows, so the ring maps cannot be drawn. Run it again with \`${PLACE_ROWS_FLAG}\` to get them.`);
  } else {
    for (const m of maps) {
      const data = ringMapData(table, scenario.world, m, opts.panels ?? 3);
      if (!data) {
        notes.push(`No per-place rows of ${m}, so its ring map is left out.`);
        continue;
      }
      add(`map-${m}`, `Ring map: ${metricName(m)}`, `Every place as a dot on its ring around the core, coloured by ${metricName(m).toLowerCase()}, at ticks ${data.ticks.join(', ')} on one colour scale.`, ringMapChart(data));
    }
  }
  return { run, charts, notes, readMs, timings: Object.fromEntries(charts.map((c) => [c.id, c.ms])) };
}

function summaryRows(rc: RunCharts): (string | number)[][] {
  const { summary, metrics: table } = rc.run;
  const first = table.ticks()[0];
  const rows: (string | number)[][] = [];
  for (const m of SUMMARY_METRICS) {
    if (!(m in summary.final)) continue;
    rows.push([metricName(m), fmtNumber(table.valueAt(m, 'all', first)), fmtNumber(summary.final[m])]);
  }
  const rural0 = table.valueAt('population', 'rural', first) / table.valueAt('population', 'all', first);
  rows.push(['Share of residents in rural places', fmtPercent(rural0), fmtPercent(summary.ruralShare)]);
  return rows;
}

function settingsHtml(run: RunFolder): string {
  const s = run.manifest.scenario;
  const rings = tableHtml(
    ['Ring', 'Class', 'Places', 'Radius', 'Start share of residents', 'Start τ', 'Start rights'],
    s.world.rings.map((r, k) => [`${k} ${r.label}`, r.class, r.count, r.radius, fmtPercent(r.popShare, 0), r.tech, r.rights]),
    'Rings, from the core outward',
  );
  const ivs = (s.interventions ?? []).length
    ? tableHtml(
        ['Intervention', 'Lever', 'Instrument', 'Allocation', 'Ticks', 'Budget per tick'],
        s.interventions.map((iv, i) => [iv.label || `#${i + 1}`, iv.lever, iv.instrument, iv.allocation, `${iv.start}–${Math.min(iv.end, s.ticks)}`, iv.budget > 0 ? fmtNumber(iv.budget) : `intensity ${fmtNumber(iv.intensity)}`]),
        'Interventions',
      )
    : '<p>No interventions: nobody governs in this run.</p>';
  const w = s.metrics?.dpdWeights ?? {};
  return `<details><summary>Scenario settings</summary>
${rings}
${ivs}
<p>DPD weights: ${escapeHtml(Object.entries(w).map(([k, v]) => `${k} ${v}`).join(', '))}. ${escapeHtml(s.world.residents.toLocaleString('en-US'))} residents, seed ${escapeHtml(s.seed)}.</p>
</details>`;
}

/** The report page of a run, from its rendered charts. */
export function runReportHtml(rc: RunCharts): string {
  const { run, charts, notes } = rc;
  const s = run.manifest.scenario;
  const summary = run.summary;
  const story = runStory(summary, s, run.metrics);
  const places = s.world.rings.reduce((n, r) => n + r.count, 0);
  const finals = Object.keys(summary.final)
    .sort()
    .map((k) => [k, fmtNumber(summary.final[k])]);
  const body = `
<section class="story">
<h2>The story</h2>
<p>${escapeHtml(s.description || 'This scenario has no description.')}</p>
${s.question ? `<h2>The question</h2>\n<p class="question">${escapeHtml(s.question)}</p>` : ''}
</section>
<section class="verdict ${escapeHtml(summary.verdict)}">
<h2>The answer</h2>
<p class="big">${escapeHtml(story.headline)}</p>
<ul>${story.points.map((p) => `<li>${escapeHtml(p)}</li>`).join('\n')}</ul>
</section>
${notes.map(noteHtml).join('\n')}
${contentsHtml(charts)}
${charts.map((c, i) => figureHtml(c, i + 1)).join('\n')}
<section>
<h2>Summary table</h2>
${tableHtml(['Measure (scope: all residents)', `Start (tick ${run.metrics.ticks()[0] ?? 0})`, `End (tick ${summary.ticks})`], summaryRows(rc))}
<p>Verdict rule: ${escapeHtml(summary.trend.rule)}</p>
<details><summary>All final values (summary.json)</summary>
${tableHtml(['Metric', 'Final value'], finals)}
</details>
${settingsHtml(run)}
</section>`;
  return pageHtml({
    title: s.title || s.name,
    subtitle: `Scenario ${s.name} · seed ${summary.seed} · ${summary.ticks} ticks · ${s.world.residents.toLocaleString('en-US')} residents in ${places} places · urd ${run.manifest.urd ?? ''}`,
    body,
    footer: `Made by <code>urd report</code> on this folder from the run folder's manifest.json, metrics.csv, events.ndjson and summary.json; re-running it gives the same page. The pictures are also in <code>charts/</code>.`,
  });
}

/** What a report writer did: the page written, its pictures, and the time taken. */
export interface ReportResult {
  path: string;
  charts: ChartImage[];
  notes: string[];
  ms: number;
}

/** Renders a run folder's charts and writes `<dir>/charts/*.png` and `<dir>/report.html`. */
export function writeRunReport(dir: string, opts: RunChartOptions & { pngs?: boolean } = {}): ReportResult {
  const t0 = performance.now();
  const rc = renderRunCharts(dir, opts);
  if (opts.pngs !== false) writePngs(join(dir, 'charts'), rc.charts);
  const path = join(dir, 'report.html');
  writeOutput(path, runReportHtml(rc));
  return { path, charts: rc.charts, notes: rc.notes, ms: performance.now() - t0 };
}
