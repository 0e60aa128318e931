/**
 * The plain-language reading of a comparison, in English or Chinese, from plain facts: which
 * way each scenario's gap goes (the runs' own verdicts, counted), each scenario's paired
 * difference to the reference with its interval, and which ends lowest. The terminal (from
 * the live results) and the report (from compare.csv) build the same facts, so they say the
 * same thing.
 */
import { type Lang, type Term, TERMS, VERDICT_TERMS } from '../i18n/terms.ts';
import { QUALIFIER_NAMES, type QualifierId } from '../metrics/verdict.ts';
import { MINUS, readable } from '../i18n/format.ts';
import { WASTE_WARNING_SHARE, type RunSummary } from '../metrics/summary.ts';

/** One scenario of a comparison. */
export interface ScenarioFacts {
  name: string;
  title: string;
  /** Seeds per net verdict and per recent direction, from the runs' summaries. */
  verdicts: Record<string, number>;
  recent: Record<string, number>;
  /** Seeds that raised each qualifier (src/metrics/verdict.ts). */
  qualifiers: Record<string, number>;
  seeds: number;
  /** The gap |DPD| at the start and the end (means over the seeds): the verdict's own measure. */
  gapStart: number;
  gapFinal: number;
  spending: number;
  /** Efficiency and inequality beside the gap: orders can trade off (means over the seeds). */
  income: number;
  output: number;
  gini: number;
  theil: number;
  /** Mean share of spending that bought nothing (saturated instruments). */
  wasteShare: number;
  /** Seeds whose budget the fiscal cap cut, and the mean share withheld in those seeds. */
  capped: number;
  cutShare: number;
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** Counts of a categorical value over the seeds. */
function tally(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/** The facts of one scenario from its runs' summaries: the one builder for the terminal and the report. */
export function scenarioFacts(name: string, title: string, summaries: readonly RunSummary[]): ScenarioFacts {
  const capped = summaries.filter((s) => s.budget.capped);
  return {
    name,
    title,
    verdicts: tally(summaries.map((s) => s.verdict)),
    recent: tally(summaries.map((s) => s.recent)),
    qualifiers: tally(summaries.flatMap((s) => [...new Set(s.gap.qualifiers.map((q) => q.id))])),
    seeds: summaries.length,
    gapStart: mean(summaries.map((s) => s.gap.gapInitial)),
    gapFinal: mean(summaries.map((s) => s.gap.gapFinal)),
    spending: mean(summaries.map((s) => Object.values(s.spending).reduce((a, b) => a + b, 0))),
    income: mean(summaries.map((s) => s.final.income_pc)),
    output: mean(summaries.map((s) => s.final.output_pc)),
    gini: mean(summaries.map((s) => s.final.gini)),
    theil: mean(summaries.map((s) => s.final.theil)),
    wasteShare: mean(summaries.map((s) => s.waste.share)),
    capped: capped.length,
    cutShare: mean(capped.map((s) => s.budget.cut / s.budget.requested)),
  };
}

/** The paired difference of the final gap |DPD| between two scenarios (scenario − versus). */
export interface DiffFacts {
  scenario: string;
  versus: string;
  mean: number;
  lo: number;
  hi: number;
}

export interface ComparisonFacts {
  reference: string;
  ticks: number;
  scenarios: ScenarioFacts[];
  diffs: DiffFacts[];
}

/** A verdict word in a language, from the glossary (the raw word when unknown). */
export function verdictWord(verdict: string, lang: Lang): string {
  return (VERDICT_TERMS as Record<string, Term>)[verdict]?.[lang] ?? verdict;
}

/** Whether a difference's 95% interval excludes zero. */
export function clearOfNoise(d: DiffFacts): boolean {
  return Number.isFinite(d.lo) && Number.isFinite(d.hi) && (d.lo > 0 || d.hi < 0);
}


/** The majority verdict of a scenario, with its count. */
function majority(s: ScenarioFacts): [string, number] {
  return Object.entries(s.verdicts).sort((a, b) => b[1] - a[1])[0] ?? ['undetermined', 0];
}

/** The reading as a list of sentences. */
export function comparisonReading(f: ComparisonFacts, lang: Lang, minus = MINUS): string[] {
  const zh = lang === 'zh';
  const n2 = (v: number, sign = false) => readable(v, { digits: 3, sign, minus });
  const byName = new Map(f.scenarios.map((s) => [s.name, s]));
  const ref = byName.get(f.reference) ?? f.scenarios[0];
  const title = (s: ScenarioFacts) => s.title || s.name;
  const out: string[] = [];
  const majorities = f.scenarios.map(majority);
  const unanimous = majorities.every(([v, n], i) => v === majorities[0][0] && n === f.scenarios[i].seeds);
  if (unanimous) {
    const v = majorities[0][0];
    const all = f.scenarios.length;
    out.push(
      zh
        ? `全部 ${all} 个情景在每个随机种子下，城乡${TERMS.dpd.zh}都较开始时${verdictWord(v, lang)}。`
        : v === 'widened'
          ? `All ${all} scenarios still leave a wider urban–rural gap than at the start, in every seed.`
          : `All ${all} scenarios end “${verdictWord(v, lang)}” in every seed.`,
    );
  } else {
    for (const s of f.scenarios) {
      const counts = Object.entries(s.verdicts)
        .sort((a, b) => b[1] - a[1])
        .map(([v, n]) => (zh ? `${verdictWord(v, lang)} ${n}/${s.seeds}` : `${v} in ${n} of ${s.seeds} seeds`))
        .join(zh ? '，' : ', ');
      out.push(zh ? `${title(s)}：${counts}。` : `${title(s)}: ${counts}.`);
    }
  }
  out.push(
    zh
      ? `参照情景“${title(ref)}”的城乡${TERMS.dpd.zh}（|DPD|）在 ${f.ticks} 年里从 ${n2(ref.gapStart)} 变为 ${n2(ref.gapFinal)}。`
      : `In the reference, ${title(ref)}, the urban–rural gap |DPD| goes from ${n2(ref.gapStart)} to ${n2(ref.gapFinal)} over ${f.ticks} years.`,
  );
  for (const s of f.scenarios) {
    if (s === ref) continue;
    const d = f.diffs.find((x) => x.scenario === s.name && x.versus === ref.name);
    if (!d) continue;
    const interval = Number.isFinite(d.lo) ? (zh ? `（95% 区间 ${n2(d.lo, true)} 至 ${n2(d.hi, true)}）` : ` (95% interval ${n2(d.lo, true)} to ${n2(d.hi, true)})`) : '';
    const noise = clearOfNoise(d) ? '' : zh ? '，在种子噪声范围内' : ', within seed noise';
    out.push(
      zh
        ? `${title(s)}最终为 ${n2(s.gapFinal)}，比参照${d.mean <= 0 ? '低' : '高'} ${n2(Math.abs(d.mean))}${interval}${noise}。`
        : `${title(s)} ends at ${n2(s.gapFinal)}, ${n2(d.mean, true)} against the reference${interval}${noise}.`,
    );
  }
  if (f.scenarios.length >= 2) {
    const ranked = [...f.scenarios].sort((a, b) => a.gapFinal - b.gapFinal);
    const spends = f.scenarios.filter((s) => s.spending > 0).map((s) => s.spending);
    const equal = spends.length >= 2 && Math.max(...spends) - Math.min(...spends) <= 1e-6 * Math.max(...spends);
    const budget = equal ? (zh ? '在相同的总预算下，' : 'At equal total budget, ') : '';
    out.push(zh ? `${budget}“${title(ranked[0])}”留下的差距最小（${n2(ranked[0].gapFinal)}）。` : `${budget}${title(ranked[0])} leaves the smallest gap (${n2(ranked[0].gapFinal)}).`);
    out.push(tradeOff(ranked, lang, title, minus));
  }
  for (const s of f.scenarios) {
    const recent = Object.entries(s.recent).sort((a, b) => b[1] - a[1]).map(([v, n]) => `${verdictWord(v, lang)} ${n}/${s.seeds}`).join(zh ? '，' : ', ');
    const qualifiers = Object.entries(s.qualifiers).map(([q, n]) => `${QUALIFIER_NAMES[lang][q as QualifierId] ?? q} ${n}/${s.seeds}`).join(zh ? '，' : ', ');
    out.push(zh ? `${title(s)}：最近的走向为${recent}${qualifiers ? `；限定条件：${qualifiers}` : ''}。` : `${title(s)}: lately ${recent}${qualifiers ? `; qualifiers raised: ${qualifiers}` : ''}.`);
    out.push(...warnings(s, lang, title));
  }
  return out;
}

const pct = (v: number) => `${Math.round(100 * v)}%`;

/** A difference in efficiency or inequality smaller than this share of the value is not a trade-off worth naming (the seeds' noise is of this order). */
export const MATERIAL_SHARE = 0.01;

/**
 * Whether the scenario with the smallest gap is also ahead on efficiency (mean income, output
 * per resident) and inequality (Gini, Theil), or whether another buys more of those. `ranked`
 * is sorted by final gap, smallest first.
 */
function tradeOff(ranked: readonly ScenarioFacts[], lang: Lang, title: (s: ScenarioFacts) => string, minus: string): string {
  const zh = lang === 'zh';
  const [best, ...rest] = ranked;
  const criteria = [
    { get: (s: ScenarioFacts) => s.income, en: 'higher mean income', zh: '更高的人均收入', higher: true },
    { get: (s: ScenarioFacts) => s.output, en: 'more output per resident', zh: '更多的人均产出', higher: true },
    { get: (s: ScenarioFacts) => s.gini, en: 'a lower Gini', zh: '更低的基尼系数', higher: false },
    { get: (s: ScenarioFacts) => s.theil, en: 'a lower Theil', zh: '更低的泰尔指数', higher: false },
  ];
  const gains = new Map<ScenarioFacts, string[]>();
  for (const c of criteria) {
    const mine = c.get(best);
    for (const other of rest) {
      const theirs = c.get(other);
      if (!Number.isFinite(mine) || !Number.isFinite(theirs) || !(c.higher ? theirs > mine : theirs < mine)) continue;
      const share = mine !== 0 ? Math.abs(theirs - mine) / Math.abs(mine) : Infinity;
      if (share < MATERIAL_SHARE) continue;
      const rel = Number.isFinite(share) ? ` ${c.higher ? '+' : minus}${(100 * share).toFixed(1)}%` : '';
      gains.set(other, [...(gains.get(other) ?? []), `${zh ? c.zh : c.en} (${readable(theirs, { digits: 3, minus })} ${zh ? '对' : 'against'} ${readable(mine, { digits: 3, minus })},${rel})`]);
      break;
    }
  }
  if (gains.size === 0) {
    return zh
      ? `“${title(best)}”在人均收入、产出、基尼和泰尔指数上领先于其他方案，或与之相差不到 ${pct(MATERIAL_SHARE)}：这里不存在值得一提的取舍。`
      : `${title(best)} is ahead of the others, or within ${pct(MATERIAL_SHARE)} of them, on mean income, output, Gini and Theil: here the options do not trade off.`;
  }
  const parts = [...gains.entries()].map(([o, items]) => (zh ? `“${title(o)}”带来${items.join('、')}` : `${title(o)} gives ${items.join(', ')}`));
  return zh
    ? `但${parts.join('；')}：缩小差距与效率或平等之间存在取舍，孰优取决于更看重什么。`
    : `But ${parts.join('; ')}: the options trade a smaller gap against efficiency or equality, and which is better depends on what one values.`;
}

/** Warnings about a scenario's money: spending that bought nothing, and a budget the fiscal rule capped. */
function warnings(s: ScenarioFacts, lang: Lang, title: (s: ScenarioFacts) => string): string[] {
  const zh = lang === 'zh';
  const out: string[] = [];
  if (s.wasteShare > WASTE_WARNING_SHARE) {
    out.push(
      zh
        ? `警告：“${title(s)}”中 ${pct(s.wasteShare)} 的支出因政策工具已饱和而没有买到任何效果（阈值 ${pct(WASTE_WARNING_SHARE)}），账面相等的预算并不等于相等的有效资源。`
        : `Warning: in ${title(s)}, ${pct(s.wasteShare)} of the spending bought nothing because its instruments had saturated (more than ${pct(WASTE_WARNING_SHARE)}), so equal booked budgets are not equal effective resources.`,
    );
  }
  if (s.capped > 0) {
    out.push(
      zh
        ? `警告：“${title(s)}”在 ${s.capped}/${s.seeds} 个种子中预算被财政规则封顶，扣下了所申请金额的 ${pct(s.cutShare)}；申请更多也不会改变结果。`
        : `Warning: in ${title(s)} the fiscal rule capped the budget in ${s.capped}/${s.seeds} seeds, withholding ${pct(s.cutShare)} of what the programme asked for; asking for more would have changed nothing.`,
    );
  }
  return out;
}
