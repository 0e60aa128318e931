/**
 * The report of a comparison: several scenarios (or programmes) run on the same seeds. Takes
 * plain data, or reads a `urd compare` folder (compare.csv, compare-runs.csv and the run
 * folders under `<dir>/<scenario>/seed-<s>`), and writes `<dir>/report.html` and its pictures.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../scenario/load.ts';
import type { Band } from './plugins.ts';
import { type BarDatum, type TrajectorySeries, gapBarsChart, trajectoriesChart } from './compareCharts.ts';
import { type RunGroup, finalBarsFromRuns, trajectoriesFromRuns } from './compareData.ts';
import { writeOutput, writePngs } from './files.ts';
import { contentsHtml, escapeHtml, figureHtml, noteHtml, pageHtml, tableHtml } from './html.ts';
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
  /** Shaded periods on the trajectory chart (e.g. a shared intervention window). */
  bands?: Band[];
  /** A table to show under the charts; default: compare.csv when present. */
  table?: { columns: string[]; rows: (string | number)[][] };
  notes?: string[];
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

function scenarioText(dirs: readonly string[]): { title: string; description: string; question: string } {
  try {
    const s = JSON.parse(readFileSync(join(dirs[0], 'manifest.json'), 'utf8')).scenario ?? {};
    return { title: s.title ?? '', description: s.description ?? '', question: s.question ?? '' };
  } catch {
    return { title: '', description: '', question: '' };
  }
}

function compareTable(t: CsvTable): { columns: string[]; rows: (string | number)[][] } {
  const col = (n: string) => t.columns.indexOf(n);
  const [s, m, n, mean, lo, hi, d, dlo, dhi] = ['scenario', 'metric', 'seeds', 'mean', 'ci95_lo', 'ci95_hi', 'diff_vs_first', 'diff_ci95_lo', 'diff_ci95_hi'].map(col);
  const num = (x: string) => fmtNumber(Number(x === 'NA' ? NaN : x));
  return {
    columns: ['Scenario', 'Measure', 'Seeds', 'Mean', '95% interval', 'Difference to the first', '95% interval of the difference'],
    rows: t.rows.map((r) => [r[s], metricName(r[m]), r[n], num(r[mean]), `${num(r[lo])} to ${num(r[hi])}`, d >= 0 ? num(r[d]) : '', dlo >= 0 ? `${num(r[dlo])} to ${num(r[dhi])}` : '']),
  };
}

/** The comparison in plain words: which programme ends with the smallest gap, and whether it is clear. */
export function comparisonStory(finals: readonly BarDatum[], metric = 'dpd_final'): string[] {
  const ok = finals.filter((f) => Number.isFinite(f.value));
  if (!ok.length) return ['No final values to compare.'];
  const sorted = [...ok].sort((a, b) => a.value - b.value);
  const best = sorted[0];
  const worst = sorted[sorted.length - 1];
  const ci = (f: BarDatum) => (f.lo !== undefined && f.hi !== undefined && Number.isFinite(f.lo) ? ` (95% interval ${fmtNumber(f.lo)} to ${fmtNumber(f.hi)})` : '');
  const out = [`${metricName(metric)} is lowest for ${best.label}: ${fmtNumber(best.value)}${ci(best)}.`];
  if (sorted.length > 1) out.push(`It is highest for ${worst.label}: ${fmtNumber(worst.value)}${ci(worst)}.`);
  if (sorted.length > 1 && best.hi !== undefined && sorted[1].lo !== undefined && Number.isFinite(best.hi) && Number.isFinite(sorted[1].lo)) {
    out.push(
      best.hi < sorted[1].lo!
        ? `The intervals of ${best.label} and the runner-up (${sorted[1].label}) do not overlap: the lead is clear for these seeds.`
        : `The intervals of ${best.label} and the runner-up (${sorted[1].label}) overlap: with these seeds the difference may be luck. The paired differences in the table below are sharper.`,
    );
  }
  return out;
}

/**
 * Writes `<dir>/report.html` (and `<dir>/charts/*.png`) for a comparison: DPD trajectories with
 * confidence bands, the final gap per programme, the comparison table, in plain words.
 */
export function writeComparisonReport(dir: string, input: ComparisonInput = {}): ReportResult {
  const t0 = performance.now();
  const metric = input.metric ?? 'dpd';
  const groups = input.groups ?? (input.trajectories && input.finals ? [] : compareGroups(dir));
  const trajectories = input.trajectories ?? trajectoriesFromRuns(groups, metric);
  const finals = input.finals ?? finalBarsFromRuns(groups, metric);
  const finalMetric = metric === 'dpd' ? 'dpd_final' : metric;
  const charts: ChartImage[] = [
    renderChart('trajectories', `${metricName(metric)}: scenarios compared`, 'Each line is the mean over the seeds of one scenario; the shaded band is its 95% confidence interval. All scenarios share the same seeds.', trajectoriesChart(trajectories, { metric }, input.bands)),
    renderChart('final-gap', `${metricName(finalMetric)} by programme`, 'The value at the last tick, one bar per scenario; whiskers show the 95% interval over the seeds.', gapBarsChart(finals, { metric: finalMetric })),
  ];
  const table = input.table ?? (existsSync(join(dir, 'compare.csv')) ? compareTable(readCsv(join(dir, 'compare.csv'))) : null);
  const texts = groups.map((g) => ({ label: g.label, ...scenarioText(g.dirs) }));
  const story = texts.length
    ? `<ul>${texts.map((t) => `<li><strong>${escapeHtml(t.label)}</strong>${t.title ? ` — ${escapeHtml(t.title)}` : ''}${t.description ? `: ${escapeHtml(t.description)}` : ''}</li>`).join('\n')}</ul>`
    : '';
  const question = input.question ?? texts.find((t) => t.question)?.question ?? '';
  const body = `
<section class="story">
<h2>The story</h2>
${input.description ? `<p>${escapeHtml(input.description)}</p>` : ''}
${story}
${question ? `<h2>The question</h2>\n<p class="question">${escapeHtml(question)}</p>` : ''}
</section>
<section class="verdict">
<h2>The answer</h2>
<ul>${comparisonStory(finals, finalMetric).map((p) => `<li>${escapeHtml(p)}</li>`).join('\n')}</ul>
${existsSync(join(dir, 'reading.txt')) ? `<p>${escapeHtml(readFileSync(join(dir, 'reading.txt'), 'utf8').trim())}</p>` : ''}
</section>
${(input.notes ?? []).map(noteHtml).join('\n')}
${contentsHtml(charts)}
${charts.map((c, i) => figureHtml(c, i + 1)).join('\n')}
${table ? `<section><h2>Summary table</h2>\n${tableHtml(table.columns, table.rows)}</section>` : ''}`;
  const html = pageHtml({
    title: input.title ?? `Comparison: ${trajectories.map((t) => t.label).join(' vs ')}`,
    subtitle: `${trajectories.length} scenarios · ${groups[0]?.dirs.length ?? '?'} seeds each (common random numbers)`,
    body,
    footer: `Made by <code>urd report</code> on this folder; re-running it gives the same page. The pictures are also in <code>charts/</code>.`,
  });
  writePngs(join(dir, 'charts'), charts);
  const path = join(dir, 'report.html');
  writeOutput(path, html);
  return { path, charts, notes: input.notes ?? [], ms: performance.now() - t0 };
}
