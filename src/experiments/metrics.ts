import type { RunSummary } from '../metrics/summary.ts';
import type { QualifierId } from '../metrics/verdict.ts';
import { LEVERS } from '../scenario/schema.ts';

/** A kept metric's value in one run: a number, a category (the verdict), or missing. */
export type MetricValue = number | string | null;

const num = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const qualified = (s: RunSummary, id: QualifierId): number => (s.gap.qualifiers.some((q) => q.id === id) ? 1 : 0);

/** Summary metrics an experiment can keep, besides `final.<metric>` and `spending.<lever>`. */
export const RUN_METRICS: Record<string, { meaning: string; get: (s: RunSummary) => MetricValue }> = {
  verdict: { meaning: 'net change of |DPD| since the start: widened, narrowed, unchanged or undetermined', get: (s) => s.verdict },
  recent: { meaning: 'direction of |DPD| over the trend window: widening, narrowing, flat or undetermined', get: (s) => s.recent },
  gap_final: { meaning: '|DPD| at the last tick: the size of the gap, whichever side leads', get: (s) => num(s.gap.gapFinal) },
  gap_change: { meaning: '|DPD| final − |DPD| initial', get: (s) => num(s.gap.gapChange) },
  overshoot: { meaning: '1 when the DPD changed sign (the side behind is now ahead), else 0', get: (s) => qualified(s, 'overshoot') },
  hollowing: { meaning: '1 when the rural share or a rural place fell below metrics.hollowingFraction of its start, else 0', get: (s) => qualified(s, 'hollowing') },
  beta_disagrees: { meaning: '1 when beta convergence contradicts the net verdict, else 0', get: (s) => qualified(s, 'beta-disagrees') },
  sigma_disagrees: { meaning: '1 when sigma convergence contradicts the net verdict, else 0', get: (s) => qualified(s, 'sigma-disagrees') },
  stages_against: { meaning: 'number of stages whose ratio moved against the DPD', get: (s) => s.gap.qualifiers.filter((q) => q.id === 'stage-against').length },
  dpd_start_weighted_final: { meaning: 'DPD at the last tick with places weighted by their start populations', get: (s) => num(s.population.dpdStartWeightedFinal) },
  waste_share: { meaning: 'share of spending that bought nothing (saturated instruments)', get: (s) => num(s.waste.share) },
  budget_cut: { meaning: 'requested spending withheld by the fiscal cap', get: (s) => num(s.budget.cut) },
  dpd_initial: { meaning: 'digital potential difference at tick 0', get: (s) => num(s.dpd.initial) },
  dpd_final: { meaning: 'DPD at the last tick', get: (s) => num(s.dpd.final) },
  dpd_change: { meaning: 'DPD final − initial', get: (s) => num(s.dpd.change) },
  dpd_peak: { meaning: 'highest DPD of the run', get: (s) => num(s.dpd.peak) },
  dpd_peak_tick: { meaning: 'tick of the DPD peak', get: (s) => num(s.dpd.peakTick) },
  halving_tick: { meaning: 'first tick the DPD is at most half its initial value on the same side of 0 (NA: never)', get: (s) => num(s.dpd.halvingTick) },
  trend_slope: { meaning: '|DPD| slope per tick over the trend window', get: (s) => num(s.trend.slope) },
  trend_slope_se: { meaning: 'standard error of that slope', get: (s) => num(s.trend.slopeSE) },
  beta: { meaning: 'beta convergence of income across places (< 0: converging)', get: (s) => num(s.beta.beta) },
  beta_se: { meaning: 'standard error of beta', get: (s) => num(s.beta.se) },
  beta_half_life: { meaning: 'half-life implied by beta, in ticks (NA: no convergence)', get: (s) => num(s.beta.halfLife) },
  rural_share: { meaning: 'final population share in rural places', get: (s) => num(s.ruralShare) },
  tipping_events: { meaning: 'tipping events (digital runs) over the run', get: (s) => s.events.tipping },
  overspend_events: { meaning: 'ticks where interventions asked for more than the budget', get: (s) => s.events.overspend },
  spending_total: { meaning: 'total spending over all levers (equal across programmes compared at equal budget)', get: (s) => Object.values(s.spending).reduce((a, b) => a + b, 0) },
};

/** Metrics kept when an experiment does not list its own. */
export const DEFAULT_METRICS = [
  'verdict',
  'recent',
  'gap_change',
  'hollowing',
  'dpd_final',
  'dpd_change',
  'dpd_peak',
  'beta',
  'beta_se',
  'halving_tick',
  'rural_share',
  'final.gini',
  'final.theil',
  'final.income_pc',
  'final.sigma_cv',
] as const;

/** Categories of a categorical metric; aggregate.csv reports each as a share of replications. */
export const CATEGORIES: Record<string, readonly string[]> = {
  verdict: ['widened', 'narrowed', 'unchanged', 'undetermined'],
  recent: ['widening', 'narrowing', 'flat', 'undetermined'],
};

/**
 * Checks a metric name against what runs report (`finalNames`: the `final` keys of a probe run)
 * and returns null when it is known, or what was expected.
 */
export function checkMetricName(name: string, finalNames: readonly string[]): string | null {
  if (name in RUN_METRICS) return null;
  if (name.startsWith('final.') && finalNames.includes(name.slice(6))) return null;
  if (name.startsWith('spending.') && (LEVERS as readonly string[]).includes(name.slice(9))) return null;
  return `unknown metric "${name}"; expected one of ${Object.keys(RUN_METRICS).join(', ')}, spending.<${LEVERS.join('|')}> or final.<${finalNames.join('|')}>`;
}

/** Returns one kept metric's value in a run summary (null when the run has none). */
export function metricValue(summary: RunSummary, name: string): MetricValue {
  const known = RUN_METRICS[name];
  if (known) return known.get(summary);
  if (name.startsWith('final.')) return num(summary.final[name.slice(6)]);
  if (name.startsWith('spending.')) return num(summary.spending[name.slice(9)]);
  return null;
}
