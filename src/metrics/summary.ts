import type { World } from '../engine/world.ts';
import type { BetaResult, TrendVerdict } from './convergence.ts';
import { betaConvergence, halvingTime, peak, trendVerdict } from './convergence.ts';
import type { MetricRow } from './reporters.ts';

/** Metrics of scope `all` whose final value the summary reports. */
export const SUMMARY_METRICS = [
  'dpd',
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
] as const;

/** What summary.json holds: the run's answer to "does the gap diverge or converge, and by how much". */
export interface RunSummary {
  scenario: string;
  seed: number;
  ticks: number;
  final: Record<string, number>;
  /** Final population share living in rural places. */
  ruralShare: number;
  dpd: { initial: number; final: number; change: number; peak: number; peakTick: number | null; halvingTick: number | null };
  trend: TrendVerdict;
  /** Beta convergence of income per resident across inhabited places, first to last tick. */
  beta: BetaResult;
  verdict: TrendVerdict['verdict'];
  /** Total spending per lever over the run (the ledger's totals). */
  spending: Record<string, number>;
  events: { tipping: number; overspend: number };
}

/** Everything a {@link SummaryTracker} has gathered so far, as plain data (for checkpoints). */
export interface TrackerState {
  dpd: Float64Array;
  last: [string, number][];
  initialIncome: Float64Array | null;
  tipping: number;
  overspend: number;
}

/**
 * Follows a run tick by tick, keeping only what the summary needs (the DPD series, the last
 * values of the summary metrics, the places' incomes at the start), never the rows themselves.
 */
export class SummaryTracker {
  private readonly dpd: number[] = [];
  private readonly last = new Map<string, number>();
  private initialIncome: Float64Array | null = null;
  private tipping = 0;
  private overspend = 0;

  /** Returns the tracker's state as plain data (copies), for a checkpoint. */
  serialize(): TrackerState {
    return {
      dpd: Float64Array.from(this.dpd),
      last: [...this.last.entries()],
      initialIncome: this.initialIncome ? Float64Array.from(this.initialIncome) : null,
      tipping: this.tipping,
      overspend: this.overspend,
    };
  }

  /** Rebuilds a tracker from {@link serialize}'s output: it then continues exactly where the saved one stopped. */
  static restore(state: TrackerState): SummaryTracker {
    const t = new SummaryTracker();
    for (const v of state.dpd) t.dpd.push(v);
    for (const [k, v] of state.last) t.last.set(k, v);
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
    const trend = trendVerdict(series, { window: Math.min(m.trendWindow, Math.max(2, series.length)), threshold: m.trendThreshold });
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
    let rural = 0;
    for (let p = 0; p < pl.count; p++) if (pl.urban[p] === 0) rural += pl.population[p];
    const final: Record<string, number> = {};
    for (const k of [...this.last.keys()].sort()) final[k] = this.last.get(k) as number;
    return {
      scenario: world.scenario.name,
      seed: world.scenario.seed,
      ticks: world.state.tick,
      final,
      ruralShare: rural / world.residents.count,
      dpd: {
        initial: series[0],
        final: series[series.length - 1],
        change: series[series.length - 1] - series[0],
        peak: top.value,
        peakTick: top.tick,
        halvingTick: halvingTime(series),
      },
      trend,
      beta: betaConvergence(start, end, Math.max(1, world.state.tick)),
      verdict: trend.verdict,
      spending,
      events: { tipping: this.tipping, overspend: this.overspend },
    };
  }
}
