import type { Ledger } from '../engine/ledger.ts';
import type { World } from '../engine/world.ts';
import { LEVERS } from '../scenario/schema.ts';
import type { BetaResult, TrendVerdict } from './convergence.ts';
import { betaConvergence, halvingTime, peak, trendVerdict } from './convergence.ts';
import { startPopulation } from './population.ts';
import type { MetricRow } from './reporters.ts';
import { STAGE_GAPS } from './reporters.ts';
import { type GapVerdict, gapVerdict, type NetChange, type RecentDirection, verdictSentences } from './verdict.ts';

/** Metrics of scope `all` whose final value the summary reports. */
export const SUMMARY_METRICS = [
  'dpd',
  'dpd_start_weighted',
  'rural_share',
  'ratio_technology',
  'ratio_capital',
  'ratio_talent',
  'ratio_production',
  'ratio_rights',
  'gini',
  'theil',
  'theil_between_class',
  'sigma_cv',
  'income_pc',
  'output_pc',
] as const;

/** Share of booked spending wasted on saturated instruments beyond which the summary and the readings warn. */
export const WASTE_WARNING_SHARE = 0.1;

/** What summary.json holds: the run's answer to "did the gap widen or narrow, how, and at what cost". */
export interface RunSummary {
  scenario: string;
  seed: number;
  ticks: number;
  final: Record<string, number>;
  /** Values of the same metrics at tick 0. */
  initial: Record<string, number>;
  /** Final population share living in rural places. */
  ruralShare: number;
  dpd: { initial: number; final: number; change: number; peak: number; peakTick: number | null; halvingTick: number | null };
  /** The raw OLS fit of |DPD| over the trailing window behind `recent` (its words: converging = narrowing). */
  trend: TrendVerdict;
  /** Beta convergence of income per resident across inhabited places, first to last tick. */
  beta: BetaResult;
  /** Net change of |DPD| since the start (gap.rules.net gives the rule). */
  verdict: NetChange;
  /** Direction of |DPD| over the trailing window (gap.rules.recent). */
  recent: RecentDirection;
  /** The verdict in full: |DPD| at both ends, the rules, and the qualifiers raised. */
  gap: GapVerdict;
  /** The verdict as one English sentence, then one sentence per qualifier (verdictSentences gives other languages). */
  sentence: string;
  qualifierSentences: string[];
  /** Population-aware measures: who is left (docs/metrics.md). */
  population: {
    ruralShareInitial: number;
    ruralShareFinal: number;
    ruralShareMin: number;
    dpdStartWeightedInitial: number;
    dpdStartWeightedFinal: number;
    ruralPlaces: number;
    hollowedPlaces: number;
  };
  /** Total spending per lever over the run (the ledger's totals). */
  spending: Record<string, number>;
  /** Spending that bought nothing because its instrument had saturated: per lever, per lever and ring, its share of all spending, and whether it is above WASTE_WARNING_SHARE. */
  waste: { byLever: Record<string, number>; byLeverRing: Record<string, number[]>; total: number; share: number; warning: boolean };
  /** The fiscal cap: what interventions asked for, what the pro-rata rule withheld, on how many ticks. */
  budget: { requested: number; cut: number; cappedTicks: number; capped: boolean };
  events: { tipping: number; overspend: number };
}

/** Everything a {@link SummaryTracker} has gathered so far, as plain data (for checkpoints). */
export interface TrackerState {
  dpd: Float64Array;
  first: [string, number][];
  last: [string, number][];
  ruralShareMin: number;
  initialIncome: Float64Array | null;
  tipping: number;
  overspend: number;
}

/**
 * Follows a run tick by tick, keeping only what the summary needs (the DPD series, the first
 * and last values of the summary metrics, the places' incomes at the start), never the rows themselves.
 */
export class SummaryTracker {
  private readonly dpd: number[] = [];
  private readonly first = new Map<string, number>();
  private readonly last = new Map<string, number>();
  private ruralShareMin = Infinity;
  private initialIncome: Float64Array | null = null;
  private tipping = 0;
  private overspend = 0;

  /** Returns the tracker's state as plain data (copies), for a checkpoint. */
  serialize(): TrackerState {
    return {
      dpd: Float64Array.from(this.dpd),
      first: [...this.first.entries()],
      last: [...this.last.entries()],
      ruralShareMin: this.ruralShareMin,
      initialIncome: this.initialIncome ? Float64Array.from(this.initialIncome) : null,
      tipping: this.tipping,
      overspend: this.overspend,
    };
  }

  /** Rebuilds a tracker from {@link serialize}'s output: it then continues exactly where the saved one stopped. */
  static restore(state: TrackerState): SummaryTracker {
    const t = new SummaryTracker();
    for (const v of state.dpd) t.dpd.push(v);
    for (const [k, v] of state.first) t.first.set(k, v);
    for (const [k, v] of state.last) t.last.set(k, v);
    t.ruralShareMin = state.ruralShareMin;
    t.initialIncome = state.initialIncome ? Float64Array.from(state.initialIncome) : null;
    t.tipping = state.tipping;
    t.overspend = state.overspend;
    return t;
  }

  /** Records one tick's rows (scope `all`) and, on the first call, the places' incomes. */
  observe(world: World, rows: readonly MetricRow[]): void {
    if (!this.initialIncome) this.initialIncome = Float64Array.from(world.places.incomePerResident);
    for (const row of rows) {
      if (row.scope !== 'all') continue;
      if (row.metric === 'dpd') this.dpd.push(row.value);
      if (row.metric === 'rural_share') this.ruralShareMin = Math.min(this.ruralShareMin, row.value);
      if (!this.first.has(row.metric)) this.first.set(row.metric, row.value);
      this.last.set(row.metric, row.value);
    }
  }

  /** Counts the events that the summary reports. */
  countEvent(type: string): void {
    if (type === 'tipping') this.tipping++;
    else if (type === 'overspend') this.overspend++;
  }

  /** Builds the run summary; call after the last tick. */
  finish(world: World, spending: Record<string, number>): RunSummary {
    const m = world.scenario.metrics;
    const series = this.dpd;
    const top = peak(series);
    const pl = world.places;
    const start: number[] = [];
    const end: number[] = [];
    const initial = this.initialIncome ?? new Float64Array(pl.count);
    for (let p = 0; p < pl.count; p++) {
      if (pl.population[p] > 0 && initial[p] > 0 && pl.incomePerResident[p] > 0) {
        start.push(initial[p]);
        end.push(pl.incomePerResident[p]);
      }
    }
    const sorted = (map: Map<string, number>) => Object.fromEntries([...map.keys()].sort().map((k) => [k, map.get(k) as number]));
    const final = sorted(this.last);
    const first = sorted(this.first);
    const beta = betaConvergence(start, end, Math.max(1, world.state.tick));
    const n0 = startPopulation(world);
    let ruralPlaces = 0;
    let hollowedPlaces = 0;
    for (let p = 0; p < pl.count; p++) {
      if (pl.urban[p] === 1 || n0[p] === 0) continue;
      ruralPlaces++;
      if (pl.population[p] < m.hollowingFraction * n0[p]) hollowedPlaces++;
    }
    const window = Math.min(m.trendWindow, Math.max(2, series.length));
    const population = {
      ruralShareInitial: first.rural_share,
      ruralShareFinal: final.rural_share,
      ruralShareMin: this.ruralShareMin,
      dpdStartWeightedInitial: first.dpd_start_weighted,
      dpdStartWeightedFinal: final.dpd_start_weighted,
      ruralPlaces,
      hollowedPlaces,
    };
    const gap = gapVerdict({
      dpd: series,
      ruralShare: { initial: population.ruralShareInitial, final: population.ruralShareFinal },
      ruralPlaces,
      hollowedPlaces,
      startWeightedFinal: population.dpdStartWeightedFinal,
      stages: STAGE_GAPS.map(([stage]) => ({ stage, initial: Math.log(first[`ratio_${stage}`]), final: Math.log(final[`ratio_${stage}`]) })),
      beta: { beta: beta.beta, se: beta.se },
      sigma: { initial: first.sigma_cv, final: final.sigma_cv },
      window,
      trendThreshold: m.trendThreshold,
      netThreshold: m.netThreshold,
      hollowingFraction: m.hollowingFraction,
      stageThreshold: m.stageThreshold,
    });
    const text = verdictSentences(gap, world.state.tick, window, 'en');
    return {
      scenario: world.scenario.name,
      seed: world.scenario.seed,
      ticks: world.state.tick,
      final,
      initial: first,
      ruralShare: population.ruralShareFinal,
      dpd: {
        initial: series[0],
        final: series[series.length - 1],
        change: series[series.length - 1] - series[0],
        peak: top.value,
        peakTick: top.tick,
        halvingTick: halvingTime(series),
      },
      trend: trendVerdict(Array.from(series, Math.abs), { window, threshold: m.trendThreshold }),
      beta,
      verdict: gap.net,
      recent: gap.recent,
      gap,
      sentence: text.sentence,
      qualifierSentences: text.qualifiers,
      population,
      spending,
      waste: wasteSummary(world.ledger, spending),
      budget: budgetSummary(world.ledger),
      events: { tipping: this.tipping, overspend: this.overspend },
    };
  }
}

function wasteSummary(ledger: Ledger, spending: Record<string, number>): RunSummary['waste'] {
  const rings = ledger.rings - 1; // the last "ring" is the treasury, which receives no spending
  const byLeverRing: Record<string, number[]> = {};
  const byLever: Record<string, number> = {};
  let total = 0;
  for (const lever of LEVERS) {
    byLeverRing[lever] = Array.from({ length: rings }, (_, r) => ledger.wastedOnRing(lever, r, 'total'));
    byLever[lever] = byLeverRing[lever].reduce((a, b) => a + b, 0);
    total += byLever[lever];
  }
  const spent = Object.values(spending).reduce((a, b) => a + b, 0);
  const share = spent > 0 ? total / spent : 0;
  return { byLever, byLeverRing, total, share, warning: share > WASTE_WARNING_SHARE };
}

function budgetSummary(ledger: Ledger): RunSummary['budget'] {
  const [requested, cut, cappedTicks] = ledger.budgetCap;
  return { requested, cut, cappedTicks, capped: cappedTicks > 0 };
}
