/**
 * The report of one run folder: renders every run chart from the folder's files, writes the
 * PNGs to `<dir>/charts/` and one self-contained `<dir>/report.html` telling the story.
 */
import { join } from 'node:path';
import { SUMMARY_METRICS } from '../metrics/summary.ts';
import { LEVERS } from '../scenario/schema.ts';
import { writeOutput, writePngs } from './files.ts';
import { CHART_TEXT } from '../i18n/charts.ts';
import { localText } from '../i18n/localText.ts';
import { reportText } from '../i18n/report.ts';
import { type Lang, TERMS } from '../i18n/terms.ts';
import { verdictWord } from './comparisonReading.ts';
import { contentsHtml, escapeHtml, figureHtml, figuresHtml, filesHtml, noteHtml, pageHtml, tableHtml } from './html.ts';
import { metricName } from './labels.ts';
import { type RunFolder, readRunFolder } from './read.ts';
import { type ChartConfig, type ChartImage, type Size, renderChart } from './render.ts';
import { pickTicks, ringMapChart, ringMapData, ringMapLog, ringProfileChart } from './ringCharts.ts';
import { runStory } from './story.ts';
import { DEFAULT_SIZE, fmtNumber, fmtPercent } from './theme.ts';
import { dpdChart, flowsChart, hasSpending, inequalityChart, ladderChart, spendingByRingChart, spendingChart, stageRatiosChart } from './timeCharts.ts';

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
  /** Language of titles, captions and text (default en). */
  lang?: Lang;
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
  if (run.manifest.complete !== true) notes.push('This run is incomplete (its manifest.json says "complete": false): the charts and numbers stop where it stopped. Finish it with `urd run --resume` and report it again.');
  const add = (id: string, title: string, caption: string, config: ChartConfig) => charts.push(renderChart(id, title, caption, config, size));

  const lang = opts.lang ?? 'en';
  const T = CHART_TEXT[lang];
  const ivs = scenario.interventions ?? [];
  const verdictLine = lang === 'zh' ? `判定：${verdictWord(summary.verdict, lang)}。最后 ${summary.trend.n} 期趋势每期 ${fmtNumber(summary.trend.slope, 3)}。` : `Verdict: ${summary.verdict}. ${summary.trend.n}-tick trend ${fmtNumber(summary.trend.slope, 3)} per tick.`;
  add('dpd', T.dpdTitle, T.dpdCaption + (ivs.length ? T.programmesCaption : ''), dpdChart(table, ivs, verdictLine, lang));
  add('stage-ratios', T.ratiosShort, T.ratiosCaption, stageRatiosChart(table, lang));
  add('flows', T.flowsTitle, T.flowsCaption, flowsChart(table, lang));
  add('ladder', T.ladderShort, T.ladderCaption, ladderChart(table, lang));
  add('inequality', T.inequalityShort, T.inequalityCaption, inequalityChart(table, lang));
  if (hasSpending(table, LEVERS)) {
    add('spending', T.spendingTitle, T.spendingCaption, spendingChart(table, LEVERS, lang));
    add('spending-by-ring', T.ringSpendingTitle, T.ringSpendingCaption, spendingByRingChart(table, rings, LEVERS, lang));
  }

  const ticks = pickTicks(table.ticks(), opts.panels ?? 3);
  for (const m of opts.profileMetrics ?? ['population', 'tau', 'capital_pc', 'income_pc']) {
    const what = m === 'population' ? T.residentsOnRing : T.meanOverRing;
    add(`profile-${m}`, T.byRing(metricName(m, lang)), T.profileCaption(what, ticks.join(', ')), ringProfileChart(table, rings, m, ticks, lang));
  }
  const maps = opts.mapMetrics ?? ['tau', 'income_pc'];
  if (table.places().length === 0) {
    notes.push(lang === 'zh' ? `此次运行没有逐地点数据，无法绘制圈层地图。加上 \`${PLACE_ROWS_FLAG}\` 重新运行即可。` : `This run has no per-place rows, so the ring maps cannot be drawn. Run it again with \`${PLACE_ROWS_FLAG}\` to get them.`);
  } else {
    for (const m of maps) {
      const data = ringMapData(table, scenario.world, m, opts.panels ?? 3);
      if (!data) {
        notes.push(lang === 'zh' ? `没有 ${m} 的逐地点数据，略去其圈层地图。` : `No per-place rows of ${m}, so its ring map is left out.`);
        continue;
      }
      add(`map-${m}`, T.ringMap(metricName(m, lang)), T.ringMapCaption(metricName(m, lang), data.ticks.join(', '), ringMapLog(data)), ringMapChart(data, lang));
    }
  }
  return { run, charts, notes, readMs, timings: Object.fromEntries(charts.map((c) => [c.id, c.ms])) };
}

function summaryRows(rc: RunCharts, lang: Lang): (string | number)[][] {
  const { summary, metrics: table } = rc.run;
  const first = table.ticks()[0];
  const rows: (string | number)[][] = [];
  for (const m of SUMMARY_METRICS) {
    if (!(m in summary.final)) continue;
    const v0 = table.valueAt(m, 'all', first);
    rows.push([metricName(m, lang), fmtNumber(v0), fmtNumber(summary.final[m], 4, v0)]);
  }
  const rural0 = table.valueAt('population', 'rural', first) / table.valueAt('population', 'all', first);
  rows.push([reportText(lang).ruralShareRow, fmtPercent(rural0), fmtPercent(summary.ruralShare)]);
  return rows;
}

function settingsHtml(run: RunFolder, lang: Lang): string {
  const zh = lang === 'zh';
  const s = run.manifest.scenario;
  const rings = tableHtml(
    zh ? ['圈层', '类别', '地点数', '半径', '期初居民占比', '期初 τ', '期初权利'] : ['Ring', 'Class', 'Places', 'Radius', 'Start share of residents', 'Start τ', 'Start rights'],
    s.world.rings.map((r, k) => [`${k} ${r.label}`, r.class, r.count, r.radius, fmtPercent(r.popShare, 0), r.tech, r.rights]),
    zh ? '各圈层，由核心向外' : 'Rings, from the core outward',
  );
  const ivs = (s.interventions ?? []).length
    ? tableHtml(
        zh ? ['干预措施', '杠杆', '工具', '分配', '时期', '每期预算'] : ['Intervention', 'Lever', 'Instrument', 'Allocation', 'Ticks', 'Budget per tick'],
        s.interventions.map((iv, i) => [iv.label || `#${i + 1}`, iv.lever, iv.instrument, iv.allocation, `${iv.start}–${Math.min(iv.end, s.ticks)}`, iv.budget > 0 ? fmtNumber(iv.budget) : `${zh ? '强度' : 'intensity'} ${fmtNumber(iv.intensity)}`]),
        zh ? '政策干预' : 'Interventions',
      )
    : `<p>${zh ? '没有政策干预：此次运行无人治理。' : 'No interventions: nobody governs in this run.'}</p>`;
  const w = s.metrics?.dpdWeights ?? {};
  const weights = Object.entries(w).map(([k, v]) => `${k} ${v}`).join(', ');
  return `<details id="settings"><summary>${escapeHtml(reportText(lang).scenarioSettings)}</summary>
${rings}
${ivs}
<p>${escapeHtml(zh ? `${TERMS.dpd.zh}权重：${weights}。${s.world.residents.toLocaleString('en-US')} 名居民，种子 ${s.seed}。` : `DPD weights: ${weights}. ${s.world.residents.toLocaleString('en-US')} residents, seed ${s.seed}.`)}</p>
</details>`;
}

/** The report page of a run, from its rendered charts: the answer and the key chart first, then the rest. */
export function runReportHtml(rc: RunCharts, lang: Lang = 'en'): string {
  const { run, charts, notes } = rc;
  const T = reportText(lang);
  const s = run.manifest.scenario;
  const text = localText(s, lang);
  const summary = run.summary;
  const story = runStory(summary, s, run.metrics, lang);
  const places = s.world.rings.reduce((n, r) => n + r.count, 0);
  const finals = Object.keys(summary.final)
    .sort()
    .map((k) => [k, fmtNumber(summary.final[k])]);
  const [lead, ...rest] = charts;
  const files = [
    { href: 'metrics.csv', text: 'metrics.csv' },
    { href: 'summary.json', text: 'summary.json' },
    { href: 'manifest.json', text: 'manifest.json' },
    { href: 'events.ndjson', text: 'events.ndjson' },
    { href: 'charts/', text: 'charts/' },
  ];
  const body = `
<section class="answer-first">
${text.question ? `<p class="question">${escapeHtml(text.question)}</p>` : ''}
<section class="verdict ${escapeHtml(summary.verdict)}" id="answer">
<h2>${escapeHtml(T.theAnswer)}</h2>
<p class="big">${escapeHtml(story.headline)}</p>
<ul>${story.points.map((p) => `<li>${escapeHtml(p)}</li>`).join('\n')}</ul>
</section>
</section>
${lead ? `<div class="lead">${figureHtml(lead, 1, lang)}</div>` : ''}
${contentsHtml(rest, lang, [
  { id: 'story', title: T.theStory },
  { id: 'summary', title: T.summaryTable },
  { id: 'files', title: T.files },
])}
<section class="story" id="story">
<h2>${escapeHtml(T.theStory)}</h2>
<p>${escapeHtml(text.description || T.noDescription)}</p>
</section>
${notes.map(noteHtml).join('\n')}
${figuresHtml(rest, lang, 2)}
<section id="summary">
<h2>${escapeHtml(T.summaryTable)}</h2>
${tableHtml([T.measureAll, T.start(run.metrics.ticks()[0] ?? 0), T.end(summary.ticks)], summaryRows(rc, lang))}
<p>${escapeHtml(T.verdictRule)}: ${escapeHtml(summary.gap.rules.net)} ${escapeHtml(summary.gap.rules.recent)}${summary.gap.qualifiers.map((q) => ` ${escapeHtml(q.rule)}`).join('')}</p>
<details><summary>${escapeHtml(T.allFinals)}</summary>
${tableHtml([T.metric, T.finalValue], finals)}
</details>
${settingsHtml(run, lang)}
</section>
${filesHtml(T.files, files)}`;
  return pageHtml({
    title: text.title || s.name,
    subtitle: `${T.runSubtitle(s.name, summary.seed, summary.ticks, s.world.residents.toLocaleString('en-US'), places)} · urd ${run.manifest.urd ?? ''}`,
    body,
    footer: T.footerRun,
    lang,
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
  writeOutput(path, runReportHtml(rc, opts.lang));
  return { path, charts: rc.charts, notes: rc.notes, ms: performance.now() - t0 };
}
