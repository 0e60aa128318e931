import { type Lang, TERMS, type TermKey, VERDICT_TERMS } from '../i18n/terms.ts';
import { trendVerdict } from './convergence.ts';

/**
 * The verdict of a run: what happened to the urban-rural gap |DPD| since the start (net) and
 * lately (recent), with qualifiers raised whenever they apply, each with the rule behind it.
 * Pure: takes plain numbers, so it is tested on constructed series (docs/metrics.md, "The verdict").
 */

export type NetChange = 'widened' | 'narrowed' | 'unchanged' | 'undetermined';
export type RecentDirection = 'widening' | 'narrowing' | 'flat' | 'undetermined';
export type QualifierId = 'overshoot' | 'hollowing' | 'beta-disagrees' | 'sigma-disagrees' | 'stage-against';

/** A caveat on the verdict: which one, the rule that raised it, and the numbers it used. */
export interface Qualifier {
  id: QualifierId;
  rule: string;
  values: Record<string, number | string>;
}

/** Everything the verdict is computed from. Stages give the signed ln(urban/rural) ratio at the start and the end. */
export interface VerdictInput {
  dpd: ArrayLike<number>;
  ruralShare: { initial: number; final: number };
  /** Rural places with residents at the start, and how many of them fell below hollowingFraction of their start. */
  ruralPlaces: number;
  hollowedPlaces: number;
  /** The start-weighted DPD at the end (src/metrics/population.ts). */
  startWeightedFinal: number;
  stages: { stage: string; initial: number; final: number }[];
  beta: { beta: number; se: number };
  sigma: { initial: number; final: number };
  window: number;
  trendThreshold: number;
  netThreshold: number;
  hollowingFraction: number;
  stageThreshold: number;
}

export interface GapVerdict {
  /** |DPD| at the start and at the end, and its change. */
  gapInitial: number;
  gapFinal: number;
  gapChange: number;
  net: NetChange;
  recent: RecentDirection;
  /** OLS slope of |DPD| per tick over the trailing window, and its standard error. */
  slope: number;
  slopeSE: number;
  /** Which side leads at the end: the sign of the final DPD (none within netThreshold of 0). */
  leader: 'urban' | 'rural' | 'none';
  rules: { net: string; recent: string };
  qualifiers: Qualifier[];
}

/** Relative change of sigma_cv beyond which it counts as rising or falling. */
export const SIGMA_TOLERANCE = 0.05;
/** Beta counts as diverging (converging) when it is more than this many standard errors above (below) 0. */
export const BETA_Z = 2;

const f = (v: number, digits = 3) => (Number.isFinite(v) ? String(Number(v.toPrecision(digits))) : 'n/a');

/** Computes the verdict of a run from its series and end points. */
export function gapVerdict(input: VerdictInput): GapVerdict {
  const { dpd, netThreshold } = input;
  const n = dpd.length;
  const first = n > 0 ? dpd[0] : NaN;
  const last = n > 0 ? dpd[n - 1] : NaN;
  const gapInitial = Math.abs(first);
  const gapFinal = Math.abs(last);
  const gapChange = gapFinal - gapInitial;
  const net: NetChange = !Number.isFinite(gapChange) ? 'undetermined' : gapChange > netThreshold ? 'widened' : gapChange < -netThreshold ? 'narrowed' : 'unchanged';
  const abs = Array.from(dpd, Math.abs);
  const trend = trendVerdict(abs, { window: Math.min(input.window, Math.max(2, n)), threshold: input.trendThreshold });
  const recent: RecentDirection = { converging: 'narrowing', diverging: 'widening', stable: 'flat', undetermined: 'undetermined' }[trend.verdict] as RecentDirection;
  const leader = last > netThreshold ? 'urban' : last < -netThreshold ? 'rural' : 'none';
  const rules = {
    net: `|DPD| went from ${f(gapInitial)} to ${f(gapFinal)} (${gapChange >= 0 ? '+' : ''}${f(gapChange)}); widened if the change is above +${f(netThreshold)}, narrowed if below -${f(netThreshold)}, otherwise unchanged: ${net}.`,
    recent:
      trend.verdict === 'undetermined'
        ? `Fewer than 2 finite points in the last ${trend.window} ticks: no recent direction.`
        : `OLS slope of |DPD| over the last ${trend.n} ticks is ${f(trend.slope)} per tick (SE ${f(trend.slopeSE)}); widening if above +${f(input.trendThreshold)}, narrowing if below -${f(input.trendThreshold)}, otherwise flat: ${recent}.`,
  };
  return { gapInitial, gapFinal, gapChange, net, recent, slope: trend.slope, slopeSE: trend.slopeSE, leader, rules, qualifiers: qualifiers(input, net, first, last) };
}

function qualifiers(input: VerdictInput, net: NetChange, first: number, last: number): Qualifier[] {
  const out: Qualifier[] = [];
  const { netThreshold: band, hollowingFraction: frac } = input;
  if (Math.abs(first) > band && Math.abs(last) > band && Math.sign(first) !== Math.sign(last)) {
    out.push({
      id: 'overshoot',
      rule: `The DPD changed sign (from ${f(first)} to ${f(last)}), both beyond ±${f(band)}: the side that was behind is now ahead.`,
      values: { initial: first, final: last, leader: last < 0 ? 'rural' : 'urban' },
    });
  }
  const { initial: s0, final: s1 } = input.ruralShare;
  const shareFell = s0 > 0 && s1 < frac * s0;
  if (shareFell || input.hollowedPlaces > 0) {
    out.push({
      id: 'hollowing',
      rule:
        `Raised when the rural population share falls below ${f(frac)} of its start or a rural place's population below ${f(frac)} of its own start: ` +
        `the rural share went from ${f(s0)} to ${f(s1)}, and ${input.hollowedPlaces} of ${input.ruralPlaces} rural places fell below ${f(frac)} of their start. ` +
        `Weighted by the start populations the DPD ends at ${f(input.startWeightedFinal)}.`,
      values: { ruralShareInitial: s0, ruralShareFinal: s1, fraction: frac, hollowedPlaces: input.hollowedPlaces, ruralPlaces: input.ruralPlaces, startWeightedFinal: input.startWeightedFinal },
    });
  }
  if (net === 'narrowed' || net === 'widened') {
    const sign = net === 'narrowed' ? 1 : -1; // +1 where a rise disagrees
    const { beta, se } = input.beta;
    const margin = Number.isFinite(se) ? BETA_Z * se : 0;
    if (Number.isFinite(beta) && sign * beta > margin) {
      out.push({
        id: 'beta-disagrees',
        rule: `Beta convergence of place incomes is ${f(beta)} (SE ${f(se)}): ${beta > 0 ? 'poorer places grew more slowly (divergence)' : 'poorer places grew faster (convergence)'}, more than ${BETA_Z} SE from 0, while the gap ${net}.`,
        values: { beta, se },
      });
    }
    const { initial: c0, final: c1 } = input.sigma;
    const rel = c0 > 0 ? (c1 - c0) / c0 : NaN;
    if (Number.isFinite(rel) && sign * rel > SIGMA_TOLERANCE) {
      out.push({
        id: 'sigma-disagrees',
        rule: `The dispersion of place incomes (sigma_cv) went from ${f(c0)} to ${f(c1)} (${rel > 0 ? '+' : ''}${f(100 * rel)}%, beyond ±${100 * SIGMA_TOLERANCE}%) while the gap ${net}.`,
        values: { initial: c0, final: c1 },
      });
    }
    for (const s of input.stages) {
      const change = Math.abs(s.final) - Math.abs(s.initial);
      if (sign * change > input.stageThreshold) {
        out.push({
          id: 'stage-against',
          rule: `The ${s.stage} ratio's |ln(urban/rural)| went from ${f(Math.abs(s.initial))} to ${f(Math.abs(s.final))} (ratio ${f(Math.exp(s.initial))} to ${f(Math.exp(s.final))}), more than ${f(input.stageThreshold)} against the DPD, which ${net}.`,
          values: { stage: s.stage, initial: Math.exp(s.initial), final: Math.exp(s.final) },
        });
      }
    }
  }
  return out;
}

/** Whether a hollowing qualifier saw the rural share itself fall (not only some villages emptying into towns). */
const peopleLeft = (q: Qualifier) => Number(q.values.ruralShareFinal) < Number(q.values.ruralShareInitial);

const V = VERDICT_TERMS;
const NET_WORDS: Record<Lang, Record<NetChange, string>> = {
  en: { widened: V.widened.en, narrowed: V.narrowed.en, unchanged: V.unchanged.en, undetermined: 'cannot be judged' },
  zh: { widened: `${V.widened.zh}了`, narrowed: `${V.narrowed.zh}了`, unchanged: V.unchanged.zh, undetermined: V.undetermined.zh },
};
const RECENT_WORDS: Record<Lang, Record<RecentDirection, string>> = {
  en: { widening: `it has been ${V.widening.en}`, narrowing: `it has been ${V.narrowing.en}`, flat: `it has been ${V.flat.en}`, undetermined: 'the run is too short to tell its direction' },
  zh: { widening: V.widening.zh, narrowing: V.narrowing.zh, flat: V.flat.zh, undetermined: '时间太短，无法判断走向' },
};

/** Short names of the qualifiers, for tallies over seeds (a comparison's reading). */
export const QUALIFIER_NAMES: Record<Lang, Record<QualifierId, string>> = {
  en: { overshoot: 'overshoot', hollowing: 'hollowing', 'beta-disagrees': 'β convergence disagrees', 'sigma-disagrees': 'σ convergence disagrees', 'stage-against': 'a stage against the DPD' },
  zh: { overshoot: '势差方向反转', hollowing: '村庄空心化', 'beta-disagrees': 'β 收敛不符', 'sigma-disagrees': 'σ 收敛不符', 'stage-against': '有环节与势差走向相反' },
};

/**
 * The verdict as one sentence a teacher can read aloud, then one short sentence per qualifier.
 * `window` is the number of ticks the recent direction looked at. From a run summary:
 * verdictSentences(summary.gap, summary.ticks, summary.trend.window, lang).
 */
export function verdictSentences(v: GapVerdict, ticks: number, window: number, lang: Lang): { sentence: string; qualifiers: string[] } {
  const n = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
  const side = (q: Qualifier) => (q.values.leader === 'rural' ? (lang === 'zh' ? '农村' : 'rural') : lang === 'zh' ? '城市' : 'urban');
  const pct = (x: number | string) => `${(100 * Number(x)).toFixed(1)}%`;
  const stage = (q: Qualifier) => TERMS[`stage${String(q.values.stage).replace(/^./, (c) => c.toUpperCase())}` as TermKey][lang];
  // A true minus sign (−), as the reports print it, not a hyphen.
  const signed = `${v.gapChange >= 0 ? '+' : '−'}${n(Math.abs(v.gapChange))}`;
  const changeWord = v.net === 'unchanged' || v.net === 'undetermined' ? '' : lang === 'zh' ? `（${signed}）` : ` (${signed})`;
  if (lang === 'zh') {
    const sentence = `${ticks} 年间，城乡数字势差（|DPD|）从 ${n(v.gapInitial)} 变为 ${n(v.gapFinal)}${changeWord}，总体${NET_WORDS.zh[v.net]}；最近 ${window} 年${RECENT_WORDS.zh[v.recent]}。`;
    const qualifiers = v.qualifiers.map((q) => {
      switch (q.id) {
        case 'overshoot':
          return `注意：势差方向已反转，现在${side(q)}一方领先。`;
        case 'hollowing':
          return `注意：农村人口占比从 ${pct(q.values.ruralShareInitial)} 变为 ${pct(q.values.ruralShareFinal)}，${q.values.ruralPlaces} 个农村地点中有 ${q.values.hollowedPlaces} 个人口降至初始的 ${pct(q.values.fraction)} 以下；按初始人口加权，势差为 ${n(Number(q.values.startWeightedFinal))}。${v.net === 'narrowed' && peopleLeft(q) ? `差距${V.narrowed.zh}部分是因为人走了。` : ''}`;
        case 'beta-disagrees':
          return `β 收敛与此不符：地点收入的 β 为 ${n(Number(q.values.beta))}。`;
        case 'sigma-disagrees':
          return `σ 收敛与此不符：地点收入的离散系数从 ${n(Number(q.values.initial))} 变为 ${n(Number(q.values.final))}。`;
        case 'stage-against':
          return `“${stage(q)}”环节的城乡比从 ${n(Number(q.values.initial))} 变为 ${n(Number(q.values.final))}，与势差走向相反。`;
      }
    });
    return { sentence, qualifiers };
  }
  const sentence = `Over ${ticks} years the urban-rural digital gap (|DPD|) ${NET_WORDS.en[v.net]}, from ${n(v.gapInitial)} to ${n(v.gapFinal)}${changeWord}, and over the last ${window} years ${RECENT_WORDS.en[v.recent]}.`;
  const qualifiers = v.qualifiers.map((q) => {
    switch (q.id) {
      case 'overshoot':
        return `Caution: the gap changed sign; the ${side(q)} side is now ahead.`;
      case 'hollowing':
        return `Caution: the rural population share went from ${pct(q.values.ruralShareInitial)} to ${pct(q.values.ruralShareFinal)} and ${q.values.hollowedPlaces} of ${q.values.ruralPlaces} rural places fell below ${pct(q.values.fraction)} of their starting population; weighted by the starting populations the gap is ${n(Number(q.values.startWeightedFinal))}.${v.net === 'narrowed' && peopleLeft(q) ? ' The gap closed partly because people left.' : ''}`;
      case 'beta-disagrees':
        return `Beta convergence disagrees: beta of place incomes is ${n(Number(q.values.beta))} (${Number(q.values.beta) > 0 ? 'poorer places grew more slowly' : 'poorer places grew faster'}).`;
      case 'sigma-disagrees':
        return `Sigma convergence disagrees: the dispersion of place incomes went from ${n(Number(q.values.initial))} to ${n(Number(q.values.final))}.`;
      case 'stage-against':
        return `The urban/rural ratio of ${stage(q)} moved the other way, from ${n(Number(q.values.initial))} to ${n(Number(q.values.final))}.`;
    }
  });
  return { sentence, qualifiers };
}
