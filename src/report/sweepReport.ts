/**
 * The report of a sweep folder: a heat map of a summary metric over the two parameters that
 * vary most (or a line over the one that varies), the share of runs whose gap narrowed, and the
 * per-point table from aggregate.csv — written to `<dir>/report.html` and `<dir>/charts/`.
 */
import { existsSync } from 'node:fs';
import { readFolderText } from '../io/outputFolder.ts';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { reportText } from '../i18n/report.ts';
import { type Lang, PARAMETER_NAMES_ZH, VERDICT_TERMS } from '../i18n/terms.ts';
import { localText } from '../i18n/localText.ts';
import { InputError } from '../scenario/load.ts';
import { flattenLocalText } from '../scenario/localText.ts';
import { scenarioJsonSchema } from '../scenario/jsonSchema.ts';
import { didYouMean } from '../scenario/suggest.ts';
import { gapBarsChart, heatMapChart, trajectoriesChart } from './compareCharts.ts';
import { verdictWord } from './comparisonReading.ts';
import { writeOutput, writePngs } from './files.ts';
import { contentsHtml, escapeHtml, figureHtml, figuresHtml, filesHtml, noteHtml, pageHtml, tableHtml } from './html.ts';
import { axisTitle, metricName } from './labels.ts';
import { csvNumber } from './read.ts';
import { type ChartImage, renderChart } from './render.ts';
import type { ReportResult } from './runReport.ts';
import { type SweepData, readSweep, sweepGrid, sweepLine, varyingParams, verdictsByPoint } from './sweepData.ts';
import { fmtNumber, fmtPercent } from './theme.ts';

/** Options of a sweep report. */
export interface SweepReportOptions {
  /** Summary metric of the heat map (default dpd_final). */
  metric?: string;
  /** The two parameters on the axes (default: the two that vary most). */
  x?: string;
  y?: string;
  lang?: Lang;
}

/** A swept parameter's readable name: its meaning (in Chinese from the glossary where it has one, else from the scenario schema), with its path. */
export function paramLabel(path: string, lang: Lang = 'en'): string {
  const meaning = (lang === 'zh' ? PARAMETER_NAMES_ZH[path] : undefined) ?? PARAM_MEANINGS.get(path);
  if (!meaning) return path;
  const short = meaning.length > 34 ? `${meaning.slice(0, 32)}…` : meaning;
  return lang === 'zh' ? `${short}（${path}）` : `${short} (${path})`;
}

/** Meaning of every scenario parameter by dotted path, from the JSON Schema's descriptions. */
const PARAM_MEANINGS: Map<string, string> = (() => {
  const out = new Map<string, string>();
  const walk = (node: Record<string, unknown>, prefix: string) => {
    const props = node.properties as Record<string, Record<string, unknown>> | undefined;
    if (!props) return;
    for (const [k, v] of Object.entries(props)) {
      const path = prefix ? `${prefix}.${k}` : k;
      if (typeof v.meaning === 'string') out.set(path, (v.meaning.split(':')[0] ?? v.meaning).trim());
      walk(v, path);
    }
  };
  walk(scenarioJsonSchema(), '');
  return out;
})();

interface PlanText {
  name: string;
  title: string;
  description: string;
}

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Name, title and story of a sweep, in a language: from sweep.json, and from its experiment file when that is still there. */
function planText(dir: string, lang: Lang): PlanText {
  const found: Record<string, string> = {};
  const take = (j: Record<string, unknown>) => {
    const flat = flattenLocalText(j, ['title', 'description']).data;
    for (const k of ['name', 'title', 'title_zh', 'description', 'description_zh']) if (typeof flat[k] === 'string') found[k] ||= flat[k] as string;
  };
  try {
    const plan = JSON.parse(readFolderText(join(dir, 'sweep.json')));
    take(plan);
    // The experiment path is relative to the checkout; an unreadable file only costs the story.
    const exp = typeof plan.experiment === 'string' ? [resolve(plan.experiment), join(projectRoot, plan.experiment)].find((p) => existsSync(p)) : undefined;
    if (exp) take(parseYaml(readFolderText(exp)) ?? {});
  } catch {
    // no or unreadable sweep.json: the report falls back to plain titles
  }
  const { title, description } = localText(found, lang);
  return { name: found.name ?? '', title, description };
}

/** Adds a numeric column `narrowed` (1 when the run's gap |DPD| narrowed since the start) for the share heat map. */
function withNarrowedShare(s: SweepData): SweepData {
  const vi = s.runs.columns.indexOf('verdict');
  if (vi < 0) return s;
  return { ...s, runs: { columns: [...s.runs.columns, 'narrowed'], rows: s.runs.rows.map((r) => [...r, r[vi] === 'narrowed' ? '1' : '0']) } };
}

function pointsTable(s: SweepData, metric: string): { columns: string[]; rows: (string | number)[][] } | null {
  const a = s.aggregate;
  if (!a) return null;
  const c = (n: string) => a.columns.indexOf(n);
  const mi = c('metric');
  if (mi < 0 || c('mean') < 0) return null;
  const params = s.params.filter((p) => c(p) >= 0);
  const verdicts = verdictsByPoint(s);
  const rows = a.rows
    .filter((r) => r[mi] === metric)
    .map((r) => {
      const v = verdicts.get(r[c('point')]) ?? {};
      return [
        r[c('point')],
        ...params.map((p) => r[c(p)]),
        r[c('n')] ?? '',
        fmtNumber(csvNumber(r[c('mean')])),
        `${fmtNumber(csvNumber(r[c('ci95_lo')]))} to ${fmtNumber(csvNumber(r[c('ci95_hi')]))}`,
        Object.entries(v)
          .map(([k, n]) => `${k} ${n}`)
          .join(', '),
      ];
    });
  return rows.length ? { columns: ['Point', ...params, 'Runs', `Mean ${metricName(metric)}`, '95% interval', 'Verdicts'], rows } : null;
}

/** Whether every cell of a grid holds the same value (a map of it says nothing). */
function uniform(values: number[][]): boolean {
  const f = values.flat().filter(Number.isFinite);
  return f.length > 0 && f.every((v) => v === f[0]);
}

/** A metric against one swept parameter (averaged over the others): a line for numbers, bars for text values. */
function mainEffectChart(sweep: SweepData, param: string, metric: string, lang: Lang, averaged: boolean): ChartImage {
  const l = sweepLine(sweep, param, metric);
  const name = metricName(metric, lang);
  const label = paramLabel(param, lang);
  const zh = lang === 'zh';
  const title = zh ? `${name}随 ${param} 的变化` : `${name} against ${param}`;
  const caption = zh
    ? `每个取值下各重复运行${averaged ? '（及其余扫描参数）' : ''}的均值及其 95% 区间。`
    : `The mean over the replications${averaged ? ' and the other swept parameters (a main effect)' : ''} at each value, with its 95% interval.`;
  if (l.xs.some((x) => !Number.isFinite(Number(x)))) {
    // Text values (e.g. an allocation rule) have no distance between them: bars, not a line.
    const cfg = gapBarsChart(l.xs.map((x, i) => ({ label: String(x), value: l.mean[i], lo: l.lo[i], hi: l.hi[i] })), { title, metric, lang });
    cfg.options.scales.x.title.text = label;
    return renderChart(`effect-${param}`, title, caption, cfg);
  }
  const cfg = trajectoriesChart([{ label: name, ticks: l.xs.map(Number), mean: l.mean, lo: l.lo, hi: l.hi }], { title, metric, yTitle: axisTitle(metric, lang), lang });
  cfg.options.scales.x.title.text = label;
  Object.assign(cfg.data.datasets[cfg.data.datasets.length - 1], { pointRadius: 7, pointStyle: 'circle', urdNoLabel: true });
  cfg.options.layout.padding.right = 24;
  return renderChart(`effect-${param}`, title, caption, cfg);
}

/** Writes `<dir>/report.html` and `<dir>/charts/*.png` for a sweep folder (runs.csv, aggregate.csv if present). */
export function writeSweepReport(dir: string, opts: SweepReportOptions = {}): ReportResult {
  const t0 = performance.now();
  const lang = opts.lang ?? 'en';
  const T = reportText(lang);
  const sweep = withNarrowedShare(readSweep(dir));
  if (opts.metric !== undefined && !sweep.metrics.includes(opts.metric)) {
    throw new InputError(`urd report ${dir}`, '--metric', null, `expected one of ${sweep.metrics.join(', ')}, got "${opts.metric}"${didYouMean(opts.metric, sweep.metrics)}`);
  }
  const metric = opts.metric ?? (sweep.metrics.includes('dpd_final') ? 'dpd_final' : sweep.metrics[0]);
  const vary = varyingParams(sweep);
  const charts: ChartImage[] = [];
  const notes: string[] = [];
  const grid = metric ? sweepGrid(sweep, metric, opts.x, opts.y) : null;
  if (grid) {
    const labelled = { ...grid, xLabel: paramLabel(grid.xName, lang), yLabel: paramLabel(grid.yName, lang) };
    const colon = lang === 'zh' ? '：' : ': ';
    const title = `${metricName(metric, lang)}${colon}${grid.xName} × ${grid.yName}`;
    charts.push(renderChart('heatmap', title, lang === 'zh' ? '每格为该组参数取值下各重复运行（及其余扫描参数）的均值。色标从 0 起算。' : 'Each cell is the mean over the replications (and any other swept parameters) at that pair of values. The colour scale starts at 0, so equal colours mean equal values in every sweep.', heatMapChart(labelled, { title, lang })));
    const share = sweepGrid(sweep, 'narrowed', grid.xName, grid.yName);
    if (share && sweep.runs.columns.includes('verdict')) {
      if (uniform(share.values)) {
        notes.push(lang === 'zh' ? `每个参数点的差距${VERDICT_TERMS.narrowed.zh}的运行占比都是 ${fmtPercent(share.values[0][0], 0)}，因此不画其热图。` : `Every point has ${fmtPercent(share.values[0][0], 0)} of its runs with a ${VERDICT_TERMS.narrowed.en} gap, so that map is left out: it would be one colour.`);
      } else {
        const st = metricName('narrowed', lang);
        charts.push(renderChart('narrowed-share', `${st}${colon}${grid.xName} × ${grid.yName}`, lang === 'zh' ? `差距 |DPD| 比开始时小（判定为“${VERDICT_TERMS.narrowed.zh}”）的重复运行占比（1 = 全部）。` : `The share of replications whose gap |DPD| ended below where it started (verdict “${VERDICT_TERMS.narrowed.en}”; 1 = all of them).`, heatMapChart({ ...share, xLabel: labelled.xLabel, yLabel: labelled.yLabel }, { title: st, metric: 'narrowed', lang })));
      }
    }
    if (vary.length > 2) {
      const others = vary.filter((p) => p !== grid.xName && p !== grid.yName);
      notes.push(lang === 'zh' ? `此次扫描改变了 ${vary.length} 个参数；热图显示 ${grid.xName} 与 ${grid.yName}，每格对其余参数（${others.join('、')}）取平均。下面的主效应图逐一显示每个参数。` : `The sweep varies ${vary.length} parameters; the heat maps show ${grid.xName} and ${grid.yName}, each cell averaging over the others (${others.join(', ')}). The main-effect charts below show every parameter on its own.`);
      for (const p of vary) charts.push(mainEffectChart(sweep, p, metric, lang, true));
    }
  } else if (metric && vary.length === 1) {
    charts.push(mainEffectChart(sweep, vary[0], metric, lang, false));
  } else {
    notes.push(lang === 'zh' ? '此次扫描没有改变任何参数（只有重复运行），没有可画的图。' : 'No parameter varies in this sweep (replications only), so there is nothing to map.');
  }
  const text = planText(dir, lang);
  const verdictCounts: Record<string, number> = {};
  const vi = sweep.runs.columns.indexOf('verdict');
  if (vi >= 0) for (const r of sweep.runs.rows) verdictCounts[r[vi]] = (verdictCounts[r[vi]] ?? 0) + 1;
  const total = sweep.runs.rows.length;
  const answer = Object.entries(verdictCounts)
    .sort((a, b) => b[1] - a[1])
    .map(([v, n]) => T.verdictShare(verdictWord(v, lang), n, total, fmtPercent(n / total, 0)));
  const pt = metric ? pointsTable(sweep, metric) : null;
  const params = sweep.params.join(', ') || T.none;
  const [lead, ...rest] = charts;
  const body = `
<section class="verdict" id="answer">
<h2>${escapeHtml(T.theAnswer)}</h2>
<ul>${answer.map((a) => `<li>${escapeHtml(a)}</li>`).join('\n')}${grid ? `<li>${escapeHtml(heatExtremes(grid.values, grid.xs, grid.ys, grid.xName, grid.yName, metric, lang))}</li>` : ''}</ul>
</section>
${notes.map(noteHtml).join('\n')}
${lead ? `<div class="lead">${figureHtml(lead, 1, lang)}</div>` : ''}
${contentsHtml(rest, lang, [{ id: 'story', title: T.theStory }, ...(pt ? [{ id: 'summary', title: T.summaryTable }] : []), { id: 'files', title: T.files }])}
<section class="story" id="story">
<h2>${escapeHtml(T.theStory)}</h2>
<p>${escapeHtml(text.description || T.sweepStory(total, params))}</p>
<p>${escapeHtml(T.sweptParams(sweep.params.map((p) => paramLabel(p, lang)).join(lang === 'zh' ? '、' : ', ') || T.none, total))}</p>
</section>
${figuresHtml(rest, lang, 2)}
${pt ? `<section id="summary"><h2>${escapeHtml(T.summaryTable)}</h2>\n${tableHtml(pt.columns, pt.rows, T.perPoint)}</section>` : ''}
${filesHtml(T.files, [{ href: 'runs.csv', text: 'runs.csv' }, ...(sweep.aggregate ? [{ href: 'aggregate.csv', text: 'aggregate.csv' }] : []), { href: 'sweep.json', text: 'sweep.json' }, { href: 'runs/', text: 'runs/' }])}`;
  const html = pageHtml({
    title: text.title || T.sweepOf(text.name || dir),
    subtitle: T.sweepSubtitle(total, sweep.params.length, metric ?? T.none),
    body,
    footer: T.footerFolder,
    lang,
  });
  writePngs(join(dir, 'charts'), charts);
  const path = join(dir, 'report.html');
  writeOutput(path, html);
  return { path, charts, notes, ms: performance.now() - t0 };
}

function heatExtremes(values: number[][], xs: (number | string)[], ys: (number | string)[], xName: string, yName: string, metric: string, lang: Lang): string {
  let lo = { v: Infinity, i: 0, j: 0 };
  let hi = { v: -Infinity, i: 0, j: 0 };
  values.forEach((row, j) =>
    row.forEach((v, i) => {
      if (v < lo.v) lo = { v, i, j };
      if (v > hi.v) hi = { v, i, j };
    }),
  );
  const at = (c: { i: number; j: number }) => `${xName} = ${xs[c.i]}, ${yName} = ${ys[c.j]}`;
  return lang === 'zh'
    ? `${metricName(metric, lang)}在 ${at(lo)} 时最低（${fmtNumber(lo.v)}），在 ${at(hi)} 时最高（${fmtNumber(hi.v)}）。`
    : `${metricName(metric)} is lowest (${fmtNumber(lo.v)}) at ${at(lo)} and highest (${fmtNumber(hi.v)}) at ${at(hi)}.`;
}
