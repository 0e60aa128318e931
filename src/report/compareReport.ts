/**
 * The report of a comparison: several scenarios (or programmes) run on the same seeds. Takes
 * plain data, or reads a `urd compare` folder (compare.csv, compare-runs.csv and the run
 * folders under `<dir>/<scenario>/seed-<s>`), and writes `<dir>/report.html` and its pictures.
 */
import { existsSync } from 'node:fs';
import { readFolderText } from '../io/outputFolder.ts';
import { join, relative } from 'node:path';
import type { ComparisonText } from '../experiments/compare.ts';
import { readable } from '../i18n/format.ts';
import { CHART_TEXT } from '../i18n/charts.ts';
import { localText } from '../i18n/localText.ts';
import { reportText } from '../i18n/report.ts';
import type { Lang } from '../i18n/terms.ts';
import { didYouMean } from '../scenario/suggest.ts';
import { type ComparisonFacts, type DiffFacts, type ScenarioFacts, comparisonReading, scenarioFacts } from './comparisonReading.ts';
import { csvNumber, readJson, readMetrics } from './read.ts';
import type { RunSummary } from '../metrics/summary.ts';
import { InputError } from '../scenario/load.ts';
import type { Band } from './plugins.ts';
import { type BarDatum, type TrajectorySeries, gapBarsChart, trajectoriesChart } from './compareCharts.ts';
import { type RunGroup, finalBarsFromRuns, trajectoriesFromRuns } from './compareData.ts';
import { writeOutput, writePngs } from './files.ts';
import { contentsHtml, escapeHtml, figureHtml, figuresHtml, filesHtml, noteHtml, pageHtml, tableHtml } from './html.ts';
import { metricName } from './labels.ts';
import { type ChartImage, renderChart } from './render.ts';
import type { ReportResult } from './runReport.ts';
import { type CsvTable, readCsv } from './sweepData.ts';
import { fmtNumber } from './theme.ts';

/** What a comparison report shows; everything but the folder can be left out and is then read from it. */
export interface ComparisonInput {
  title?: string;
  description?: string;
  question?: string;
  /** The trajectory metric (default dpd) and the final-value metric label (default dpd_final). */
  metric?: string;
  /** Run folders per scenario; default: read from compare-runs.csv. */
  groups?: RunGroup[];
  /** Trajectories with bands; default: computed from the groups' metrics.csv. */
  trajectories?: TrajectorySeries[];
  /** Final values per programme; default: computed from the groups. */
  finals?: BarDatum[];
  /** Programme periods drawn as a timeline strip under the trajectories (e.g. a shared intervention window). */
  bands?: Band[];
  notes?: string[];
  lang?: Lang;
}

/** The run folders of each scenario of a `urd compare` folder, from compare-runs.csv. */
export function compareGroups(dir: string): RunGroup[] {
  const t = readCsv(join(dir, 'compare-runs.csv'));
  const si = t.columns.indexOf('scenario');
  const ei = t.columns.indexOf('seed');
  const di = t.columns.indexOf('run_dir');
  if (si < 0) throw new InputError(join(dir, 'compare-runs.csv'), 'scenario', null, 'expected a scenario column');
  const groups = new Map<string, string[]>();
  for (const r of t.rows) {
    // Prefer the folder's own layout, so a moved comparison folder still reports.
    const local = ei >= 0 ? join(dir, r[si], `seed-${r[ei]}`) : '';
    const d = (local && existsSync(local)) || di < 0 ? local : r[di];
    groups.set(r[si], [...(groups.get(r[si]) ?? []), d]);
  }
  return [...groups].map(([label, dirs]) => ({ label, dirs }));
}

type ScenarioTexts = { title: string; description: string; question: string };

function scenarioTexts(dirs: readonly string[], lang: Lang): ScenarioTexts {
  try {
    return localText(JSON.parse(readFolderText(join(dirs[0], 'manifest.json'))).scenario ?? {}, lang);
  } catch {
    return { title: '', description: '', question: '' };
  }
}

/** compare.json (reference, title, question), or {} for folders written before it existed. */
function comparisonMeta(dir: string): { reference?: string } & ComparisonText {
  const path = join(dir, 'compare.json');
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFolderText(path));
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(path, null, null, 'not valid JSON');
  }
}

/** The pairwise rows of compare.csv (scenario, versus, metric, diff and interval); old files (diff_vs_first) give the differences to the first scenario. */
function pairRows(t: CsvTable): { scenario: string; versus: string; metric: string; mean: number; lo: number; hi: number; scenarioMean: number; scenarioLo: number; scenarioHi: number; seeds: string }[] {
  const col = (n: string) => t.columns.indexOf(n);
  const first = t.rows[0]?.[col('scenario')];
  const vs = col('versus');
  const [d, dlo, dhi] = vs >= 0 ? [col('diff'), col('diff_ci95_lo'), col('diff_ci95_hi')] : [col('diff_vs_first'), col('diff_ci95_lo'), col('diff_ci95_hi')];
  return t.rows
    .map((r) => ({
      scenario: r[col('scenario')],
      versus: vs >= 0 ? r[vs] : first,
      metric: r[col('metric')],
      mean: csvNumber(r[d]),
      lo: csvNumber(r[dlo]),
      hi: csvNumber(r[dhi]),
      scenarioMean: csvNumber(r[col('mean')]),
      scenarioLo: csvNumber(r[col('ci95_lo')]),
      scenarioHi: csvNumber(r[col('ci95_hi')]),
      seeds: r[col('seeds')],
    }))
    .filter((p) => p.scenario !== p.versus);
}

/** The facts of the reading, from the comparison's files: each run's summary.json and the pairwise rows of compare.csv. */
function factsFromFolder(groups: readonly RunGroup[], titles: Map<string, string>, reference: string, pairs: ReturnType<typeof pairRows>): ComparisonFacts {
  const summaries = groups.map((g) => g.dirs.map((d) => readJson<RunSummary>(join(d, 'summary.json'))));
  const scenarios: ScenarioFacts[] = groups.map((g, k) => scenarioFacts(g.label, titles.get(g.label) ?? '', summaries[k]));
  const ticks = summaries[0]?.[0]?.ticks ?? NaN;
  const diffs: DiffFacts[] = pairs.filter((p) => p.metric === 'gap_final').map((p) => ({ scenario: p.scenario, versus: p.versus, mean: p.mean, lo: p.lo, hi: p.hi }));
  return { reference, ticks, scenarios, diffs };
}

/** Metrics a comparison's trajectories can show: those of scope `all` in its first run. */
export function comparisonMetrics(groups: readonly RunGroup[]): string[] {
  const first = groups[0]?.dirs[0];
  if (!first) return [];
  return readMetrics(join(first, 'metrics.csv'), { scopes: ['all'] }).metrics('all');
}

/**
 * Writes `<dir>/report.html` (and `<dir>/charts/*.png`) for a comparison: the reading first
 * (verdicts, differences to the reference), the trajectories, the final values, every pairwise
 * difference, links to the run reports and the CSVs. A metric that the runs do not have is an
 * input error raised before anything is written.
 */
export function writeComparisonReport(dir: string, input: ComparisonInput = {}): ReportResult {
  const t0 = performance.now();
  const lang = input.lang ?? 'en';
  const T = reportText(lang);
  const C = CHART_TEXT[lang];
  const metric = input.metric ?? 'dpd';
  const groups = input.groups ?? (input.trajectories && input.finals ? [] : compareGroups(dir));
  if (input.metric !== undefined && !input.trajectories && groups.length) {
    const known = comparisonMetrics(groups);
    if (!known.includes(metric)) throw new InputError(`urd report ${dir}`, '--metric', null, `expected one of ${known.join(', ')}, got "${metric}"${didYouMean(metric, known)}`);
  }
  const meta = comparisonMeta(dir);
  const texts = new Map(groups.map((g) => [g.label, scenarioTexts(g.dirs, lang)]));
  const titleOf = (name: string) => texts.get(name)?.title || name;
  const reference = meta.reference ?? groups[0]?.label ?? '';
  const trajectories = (input.trajectories ?? trajectoriesFromRuns(groups, metric)).map((t) => ({ ...t, label: titleOf(t.label) }));
  const finals = (input.finals ?? finalBarsFromRuns(groups, metric)).map((f) => ({ ...f, label: titleOf(f.label) }));
  const finalMetric = metric === 'dpd' ? 'dpd_final' : metric;
  const charts: ChartImage[] = [
    renderChart('trajectories', C.compared(metricName(metric, lang)), C.comparedCaption, trajectoriesChart(trajectories, { metric, lang }, input.bands)),
    renderChart('final-gap', C.byProgramme(metricName(finalMetric, lang)), C.barsCaption, gapBarsChart(finals, { metric: finalMetric, lang })),
  ];
  const csvPath = join(dir, 'compare.csv');
  const pairs = existsSync(csvPath) ? pairRows(readCsv(csvPath)) : [];
  const titles = new Map([...texts].map(([k, v]) => [k, v.title]));
  const reading = groups.length && existsSync(join(dir, 'compare-runs.csv')) ? comparisonReading(factsFromFolder(groups, titles, reference, pairs), lang) : comparisonStory(finals, finalMetric, lang);
  const local = localText(meta, lang);
  const question = input.question ?? local.question;
  const title = input.title ?? (local.title || T.comparisonOf(groups.length ? groups.map((g) => titleOf(g.label)) : trajectories.map((t) => t.label)));
  const scenarioList = groups.length
    ? `<ul>${groups
        .map((g) => {
          const t = texts.get(g.label)!;
          const ref = g.label === reference ? ` <em>(${escapeHtml(T.reference)})</em>` : '';
          const link = g.dirs[0] ? ` · <a href="${escapeHtml(relative(dir, join(g.dirs[0], 'report.html')))}">${escapeHtml(T.runReport)}</a>` : '';
          return `<li><strong>${escapeHtml(titleOf(g.label))}</strong>${ref} <code>${escapeHtml(g.label)}</code>${link}${t.description ? `<br>${escapeHtml(t.description)}` : ''}</li>`;
        })
        .join('\n')}</ul>`
    : '';
  const num = (v: number) => fmtNumber(v, 3);
  const interval = (lo: number, hi: number) => (Number.isFinite(lo) ? `${num(lo)} ${T.to} ${num(hi)}` : 'n/a');
  const shown = ['dpd_final', 'dpd_change', 'trend_slope', 'final.gini', 'rural_share', 'spending_total'];
  // Each pair once: against the reference first, then the others as later minus earlier.
  const order = (n: string) => groups.findIndex((g) => g.label === n);
  const oriented = (p: { scenario: string; versus: string }) => (p.versus === reference ? true : p.scenario === reference ? false : order(p.scenario) > order(p.versus));
  const pairTable = pairs.length
    ? tableHtml(
        [T.scenario, T.versus, T.measure, T.difference, T.interval],
        pairs
          .filter((p) => shown.includes(p.metric) && oriented(p))
          .sort((a, b) => Number(b.versus === reference) - Number(a.versus === reference))
          .map((p) => [titleOf(p.scenario), titleOf(p.versus), metricName(p.metric.replace(/^final\./, ''), lang), readable(p.mean, { digits: 3, sign: true, scale: Math.abs(p.scenarioMean) }), interval(p.lo, p.hi)]),
      )
    : '';
  const meansTable = pairs.length
    ? tableHtml(
        [T.scenario, T.measure, T.seeds, T.mean, T.interval],
        pairs
          .filter((p, i, all) => shown.includes(p.metric) && all.findIndex((q) => q.scenario === p.scenario && q.metric === p.metric) === i)
          .map((p) => [titleOf(p.scenario), metricName(p.metric.replace(/^final\./, ''), lang), p.seeds, num(p.scenarioMean), interval(p.scenarioLo, p.scenarioHi)]),
      )
    : '';
  const files = [
    { href: 'compare.csv', text: 'compare.csv' },
    { href: 'compare-runs.csv', text: 'compare-runs.csv' },
    ...(existsSync(join(dir, 'compare.json')) ? [{ href: 'compare.json', text: 'compare.json' }] : []),
    ...groups.flatMap((g) => g.dirs.map((d) => ({ href: `${relative(dir, d)}/`, text: relative(dir, d) }))),
  ];
  const [lead, ...rest] = charts;
  const body = `
<section class="answer-first">
${question ? `<p class="question">${escapeHtml(question)}</p>` : ''}
<section class="verdict" id="answer">
<h2>${escapeHtml(T.theAnswer)}</h2>
<ul>${reading.map((p) => `<li>${escapeHtml(p)}</li>`).join('\n')}</ul>
</section>
</section>
<div class="lead">${figureHtml(lead, 1, lang)}</div>
${contentsHtml(rest, lang, [
  { id: 'scenarios', title: T.scenarios },
  ...(pairs.length ? [{ id: 'pairwise', title: T.pairwise }, { id: 'summary', title: T.summaryTable }] : []),
  { id: 'files', title: T.files },
])}
<section class="story" id="scenarios">
<h2>${escapeHtml(T.scenarios)}</h2>
${input.description ? `<p>${escapeHtml(input.description)}</p>` : ''}
${scenarioList}
</section>
${(input.notes ?? []).map(noteHtml).join('\n')}
${figuresHtml(rest, lang, 2)}
${pairs.length ? `<section id="pairwise"><h2>${escapeHtml(T.pairwise)}</h2><p>${escapeHtml(T.pairwiseNote)}</p>\n${pairTable}</section>` : ''}
${pairs.length ? `<section id="summary"><h2>${escapeHtml(T.summaryTable)}</h2>\n${meansTable}</section>` : ''}
${filesHtml(T.files, files, T.filesCompare)}`;
  const html = pageHtml({
    title,
    subtitle: T.compareSubtitle(trajectories.length, groups[0]?.dirs.length ?? 0, titleOf(reference)),
    body,
    footer: T.footerFolder,
    lang,
  });
  writePngs(join(dir, 'charts'), charts);
  const path = join(dir, 'report.html');
  writeOutput(path, html);
  return { path, charts, notes: input.notes ?? [], ms: performance.now() - t0 };
}

/** The comparison in plain words from final values alone (when no compare folder holds the runs' verdicts). */
export function comparisonStory(finals: readonly BarDatum[], metric = 'dpd_final', lang: Lang = 'en'): string[] {
  const ok = finals.filter((f) => Number.isFinite(f.value));
  const zh = lang === 'zh';
  if (!ok.length) return [zh ? '没有可比较的期末值。' : 'No final values to compare.'];
  const sorted = [...ok].sort((a, b) => a.value - b.value);
  const name = metricName(metric, lang);
  const ci = (f: BarDatum) => (f.lo !== undefined && f.hi !== undefined && Number.isFinite(f.lo) ? (zh ? `（95% 区间 ${fmtNumber(f.lo)} 至 ${fmtNumber(f.hi)}）` : ` (95% interval ${fmtNumber(f.lo)} to ${fmtNumber(f.hi)})`) : '');
  const out = [zh ? `${sorted[0].label}的${name}最低：${fmtNumber(sorted[0].value)}${ci(sorted[0])}。` : `${name} is lowest for ${sorted[0].label}: ${fmtNumber(sorted[0].value)}${ci(sorted[0])}.`];
  const worst = sorted[sorted.length - 1];
  if (sorted.length > 1) out.push(zh ? `${worst.label}最高：${fmtNumber(worst.value)}${ci(worst)}。` : `It is highest for ${worst.label}: ${fmtNumber(worst.value)}${ci(worst)}.`);
  return out;
}
