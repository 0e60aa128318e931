/**
 * The words of the reports and charts in each language. English is the model; the Chinese
 * catalogue must have every key (the type says so), and both name the seed's concepts through
 * the shared glossary (terms.ts) so a term is rendered the same everywhere.
 */
import { type Lang, TERMS, VERDICT_TERMS } from './terms.ts';

const en = {
  htmlLang: 'en',
  theStory: 'The story',
  theQuestion: 'The question',
  theAnswer: 'The answer',
  contents: 'Contents',
  figures: 'Figures',
  figure: (n: number) => `Figure ${n}.`,
  summaryTable: 'Summary table',
  files: 'Files',
  noDescription: 'This scenario has no description.',
  scenarioSettings: 'Scenario settings',
  allFinals: 'All final values (summary.json)',
  verdictRule: 'Verdict rule',
  footerRun: 'Made by <code>urd report</code> from the run folder’s manifest.json, metrics.csv, events.ndjson and summary.json; re-running it gives the same page. The pictures are also in <code>charts/</code>.',
  footerFolder: 'Made by <code>urd report</code> on this folder; re-running it gives the same page. The pictures are also in <code>charts/</code>.',
  runSubtitle: (name: string, seed: number, ticks: number, residents: string, places: number) => `Scenario ${name} · seed ${seed} · ${ticks} ticks · ${residents} residents in ${places} places`,
  measureAll: 'Measure (scope: all residents)',
  start: (t: number) => `Start (tick ${t})`,
  end: (t: number) => `End (tick ${t})`,
  ruralShareRow: 'Share of residents in rural places',
  metric: 'Metric',
  finalValue: 'Final value',
  // comparison
  comparisonOf: (titles: string[]) => `Comparison: ${titles.join(' vs ')}`,
  compareSubtitle: (n: number, seeds: number, ref: string) => `${n} scenarios · ${seeds} seeds each (common random numbers) · reference: ${ref}`,
  scenarios: 'The scenarios',
  reference: 'reference',
  runReport: 'run report',
  pairwise: 'Pairwise differences',
  pairwiseNote: 'Each row: the first scenario minus the second, seed by seed on common seeds (mean and 95% interval of the differences). An interval that excludes 0 is clear of seed noise.',
  scenario: 'Scenario',
  versus: 'Against',
  measure: 'Measure',
  seeds: 'Seeds',
  mean: 'Mean',
  interval: '95% interval',
  difference: 'Difference',
  diffToRef: (ref: string) => `Difference to ${ref}`,
  to: 'to',
  filesCompare: 'compare.csv (every pairwise difference, full precision), compare-runs.csv (one row per run), compare.json (reference, question); one run folder per scenario and seed.',
  // sweep
  sweepOf: (name: string) => `Sweep ${name}`,
  sweepSubtitle: (runs: number, params: number, metric: string) => `${runs} runs · ${params} ${params === 1 ? 'parameter' : 'parameters'} · metric ${metric}`,
  sweptParams: (ps: string, runs: number) => `Swept parameters: ${ps} · ${runs} runs.`,
  sweepStory: (runs: number, ps: string) => `A sweep of ${runs} runs over ${ps}.`,
  none: 'none',
  verdictShare: (v: string, n: number, total: number, pct: string) => `${v}: ${n} of ${total} runs (${pct})`,
  point: 'Point',
  runs: 'Runs',
  verdicts: 'Verdicts',
  perPoint: 'Per point, from aggregate.csv',
  // charts shared
  time: 'Time (ticks = years)',
  noGap: 'no gap',
  parity: 'parity',
  tick: (t: number) => `tick ${t}`,
};

export type ReportText = typeof en;

const zh: ReportText = {
  htmlLang: 'zh-CN',
  theStory: '情景故事',
  theQuestion: '研究问题',
  theAnswer: '结论',
  contents: '目录',
  figures: '图表',
  figure: (n) => `图 ${n}.`,
  summaryTable: '汇总表',
  files: '文件',
  noDescription: '此情景没有说明。',
  scenarioSettings: '情景设置',
  allFinals: '全部期末值（summary.json）',
  verdictRule: '判定规则',
  footerRun: '由 <code>urd report</code> 根据运行文件夹中的 manifest.json、metrics.csv、events.ndjson 和 summary.json 生成；重新运行得到相同页面。图片也保存在 <code>charts/</code>。',
  footerFolder: '由 <code>urd report</code> 根据此文件夹生成；重新运行得到相同页面。图片也保存在 <code>charts/</code>。',
  runSubtitle: (name, seed, ticks, residents, places) => `情景 ${name} · 种子 ${seed} · ${ticks} 期 · ${residents} 名居民，${places} 个地点`,
  measureAll: '指标（范围：全体居民）',
  start: (t) => `期初（第 ${t} 期）`,
  end: (t) => `期末（第 ${t} 期）`,
  ruralShareRow: '乡村地点居民占比',
  metric: '指标',
  finalValue: '期末值',
  comparisonOf: (titles) => `比较：${titles.join(' 对 ')}`,
  compareSubtitle: (n, seeds, ref) => `${n} 个情景 · 每个 ${seeds} 个种子（共同随机数）· 参照：${ref}`,
  scenarios: '各情景',
  reference: '参照',
  runReport: '运行报告',
  pairwise: '两两差异',
  pairwiseNote: '每行：第一个情景减去第二个情景，在相同种子上逐一配对（差值的均值与 95% 区间）。区间不含 0 即超出种子噪声。',
  scenario: '情景',
  versus: '对照',
  measure: '指标',
  seeds: '种子数',
  mean: '均值',
  interval: '95% 区间',
  difference: '差值',
  diffToRef: (ref) => `与 ${ref} 之差`,
  to: '至',
  filesCompare: 'compare.csv（全部两两差异，完整精度）、compare-runs.csv（每次运行一行）、compare.json（参照与问题）；每个情景、每个种子一个运行文件夹。',
  sweepOf: (name) => `参数扫描 ${name}`,
  sweepSubtitle: (runs, params, metric) => `${runs} 次运行 · ${params} 个参数 · 指标 ${metric}`,
  sweptParams: (ps, runs) => `扫描参数：${ps} · ${runs} 次运行。`,
  sweepStory: (runs, ps) => `对 ${ps} 的 ${runs} 次运行的参数扫描。`,
  none: '无',
  verdictShare: (v, n, total, pct) => `${v}：${total} 次运行中 ${n} 次（${pct}）`,
  point: '参数点',
  runs: '运行次数',
  verdicts: '判定',
  perPoint: '各参数点，取自 aggregate.csv',
  time: '时间（期 = 年）',
  noGap: '无差距',
  parity: '持平',
  tick: (t) => `第 ${t} 期`,
};

/** The catalogue of a language. */
export function reportText(lang: Lang): ReportText {
  return lang === 'zh' ? zh : en;
}

/** Headlines of a run's verdict (the summary's verdict field, never re-derived). */
export const HEADLINES: Record<Lang, Record<string, string>> = {
  en: {
    narrowed: 'The urban–rural digital gap narrowed.',
    widened: 'The urban–rural digital gap widened.',
    unchanged: 'The urban–rural digital gap hardly changed.',
    undetermined: 'The run is too short to tell which way the gap went.',
  },
  zh: {
    narrowed: `城乡${TERMS.dpd.zh}${VERDICT_TERMS.narrowed.zh}了。`,
    widened: `城乡${TERMS.dpd.zh}${VERDICT_TERMS.widened.zh}了。`,
    unchanged: `城乡${TERMS.dpd.zh}${VERDICT_TERMS.unchanged.zh}。`,
    undetermined: '运行期太短，无法判断差距的走向。',
  },
};
