/**
 * The plain-language reading of a comparison, in English or Chinese, from plain facts: which
 * way each scenario's gap goes (the runs' own verdicts, counted), each scenario's paired
 * difference to the reference with its interval, and which ends lowest. The terminal (from
 * the live results) and the report (from compare.csv) build the same facts, so they say the
 * same thing.
 */
import { type Lang, TERMS } from '../i18n/terms.ts';
import { MINUS, readable } from '../i18n/format.ts';

/** One scenario of a comparison. */
export interface ScenarioFacts {
  name: string;
  title: string;
  /** Seeds per verdict, from the runs' summaries. */
  verdicts: Record<string, number>;
  seeds: number;
  dpdStart: number;
  dpdFinal: number;
  spending: number;
}

/** The paired difference of the final DPD between two scenarios (scenario − versus). */
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

const VERDICT_WORDS: Record<Lang, Record<string, string>> = {
  en: { converging: 'converging', diverging: 'diverging', stable: 'stable', undetermined: 'undetermined' },
  zh: { converging: '收敛', diverging: '发散', stable: '稳定', undetermined: '无法判定' },
};

/** A verdict word in a language (the raw word when unknown). */
export function verdictWord(verdict: string, lang: Lang): string {
  return VERDICT_WORDS[lang][verdict] ?? verdict;
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
        ? `全部 ${all} 个情景在每个随机种子下都${v === 'diverging' ? `仍在发散：城乡${TERMS.dpd.zh}在扩大` : `判定为“${verdictWord(v, lang)}”`}。`
        : v === 'diverging'
          ? `All ${all} scenarios still diverge: the urban–rural gap is widening at the end of every seed of every scenario.`
          : `All ${all} scenarios end “${v}” in every seed.`,
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
      ? `参照情景“${title(ref)}”的${TERMS.dpd.zh}在 ${f.ticks} 年里从 ${n2(ref.dpdStart)} 变为 ${n2(ref.dpdFinal)}。`
      : `In the reference, ${title(ref)}, the digital potential difference goes from ${n2(ref.dpdStart)} to ${n2(ref.dpdFinal)} over ${f.ticks} years.`,
  );
  for (const s of f.scenarios) {
    if (s === ref) continue;
    const d = f.diffs.find((x) => x.scenario === s.name && x.versus === ref.name);
    if (!d) continue;
    const interval = Number.isFinite(d.lo) ? (zh ? `（95% 区间 ${n2(d.lo, true)} 至 ${n2(d.hi, true)}）` : ` (95% interval ${n2(d.lo, true)} to ${n2(d.hi, true)})`) : '';
    const noise = clearOfNoise(d) ? '' : zh ? '，在种子噪声范围内' : ', within seed noise';
    out.push(
      zh
        ? `${title(s)}最终为 ${n2(s.dpdFinal)}，比参照${d.mean <= 0 ? '低' : '高'} ${n2(Math.abs(d.mean))}${interval}${noise}。`
        : `${title(s)} ends at ${n2(s.dpdFinal)}, ${n2(d.mean, true)} against the reference${interval}${noise}.`,
    );
  }
  if (f.scenarios.length >= 2) {
    const ranked = [...f.scenarios].sort((a, b) => a.dpdFinal - b.dpdFinal);
    const spends = f.scenarios.filter((s) => s.spending > 0).map((s) => s.spending);
    const equal = spends.length >= 2 && Math.max(...spends) - Math.min(...spends) <= 1e-6 * Math.max(...spends);
    const budget = equal ? (zh ? '在相同的总预算下，' : 'At equal total budget, ') : '';
    out.push(zh ? `${budget}“${title(ranked[0])}”留下的差距最小（${n2(ranked[0].dpdFinal)}）。` : `${budget}${title(ranked[0])} leaves the smallest gap (${n2(ranked[0].dpdFinal)}).`);
  }
  return out;
}
