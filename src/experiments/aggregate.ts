import { join } from 'node:path';
import { AtomicFile } from '../io/atomic.ts';
import { csvLine } from '../io/csv.ts';
import { tConfidenceInterval } from '../metrics/convergence.ts';
import { morrisIndices } from './design.ts';
import type { ExperimentPlan } from './load.ts';
import { CATEGORIES, metricValue } from './metrics.ts';
import { readRecord, runCount, SWEEP_FILES } from './store.ts';

/** Confidence level of the intervals in aggregate.csv. */
export const CONFIDENCE = 0.95;

/** One row's statistics: replications with a value, mean, sd and the t interval (NaN when undefined). */
export interface PointStats {
  n: number;
  mean: number;
  sd: number;
  lo: number;
  hi: number;
}

/**
 * Returns the mean, standard deviation and two-sided t-based 95% interval of the finite values
 * of a sample (missing values are left out, so n counts the replications that have a value).
 */
export function pointStats(values: readonly (number | null)[]): PointStats {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (xs.length === 0) return { n: 0, mean: NaN, sd: NaN, lo: NaN, hi: NaN };
  const ci = tConfidenceInterval(xs, CONFIDENCE);
  return { n: xs.length, mean: ci.mean, sd: ci.sd, lo: ci.lo, hi: ci.hi };
}

/** The rows aggregate.csv reports per point: each numeric metric, and each category's share. */
export function aggregateMetricNames(plan: ExperimentPlan): string[] {
  return plan.metrics.flatMap((m) => (CATEGORIES[m] ? CATEGORIES[m].map((c) => `${m}=${c}`) : [m]));
}

/**
 * Writes aggregate.csv (one row per point and metric: n, mean, sd, 95% interval over the
 * replications) and, for a Morris design, morris.csv (μ, μ*, σ per metric and parameter, on
 * the replication means). Records are read one point at a time, so memory holds one point's
 * replications plus one mean per point and metric.
 */
export function writeAggregates(dir: string, plan: ExperimentPlan): void {
  const names = aggregateMetricNames(plan);
  const file = new AtomicFile(join(dir, SWEEP_FILES.aggregate));
  const numeric = plan.metrics.filter((m) => !CATEGORIES[m]);
  const means = numeric.map(() => new Float64Array(plan.points.length));
  try {
    file.write(csvLine(['point', ...plan.parameters, 'metric', 'n', 'mean', 'sd', 'ci95_lo', 'ci95_hi']));
    for (let p = 0; p < plan.points.length; p++) {
      const values = new Map<string, (number | null)[]>(names.map((n) => [n, []]));
      for (let r = 0; r < plan.replications; r++) {
        const run = p * plan.replications + r;
        const rec = readRecord(dir, plan, run);
        if (!rec) throw new Error(`run ${run} has no record in ${dir}; cannot aggregate an unfinished sweep`);
        for (const m of plan.metrics) {
          const v = metricValue(rec.summary, m);
          const cats = CATEGORIES[m];
          if (cats) for (const c of cats) values.get(`${m}=${c}`)?.push(v === null ? null : v === c ? 1 : 0);
          else values.get(m)?.push(typeof v === 'number' ? v : null);
        }
      }
      for (const name of names) {
        const s = pointStats(values.get(name) ?? []);
        file.write(csvLine([p, ...plan.points[p], name, s.n, s.mean, s.sd, s.lo, s.hi]));
      }
      numeric.forEach((m, i) => (means[i][p] = pointStats(values.get(m) ?? []).mean));
    }
    file.commit();
  } catch (err) {
    file.abandon();
    throw err;
  }
  if (plan.morris) writeMorris(dir, plan, numeric, means);
}

function writeMorris(dir: string, plan: ExperimentPlan, metrics: readonly string[], means: readonly Float64Array[]): void {
  const morris = plan.morris;
  if (!morris) return;
  const file = new AtomicFile(join(dir, SWEEP_FILES.morris));
  try {
    file.write(csvLine(['metric', 'parameter', 'mu', 'mu_star', 'sigma', 'n', 'rank']));
    metrics.forEach((m, i) => {
      const idx = morrisIndices(morris, plan.parameters.length, means[i]);
      // Rank 1 is the most influential parameter; undefined μ* ranks last, ties keep file order.
      const key = (x: { muStar: number }) => (Number.isNaN(x.muStar) ? -Infinity : x.muStar);
      const order = [...idx].sort((a, b) => key(b) - key(a) || a.factor - b.factor);
      const rank = new Map(order.map((x, k) => [x.factor, k + 1]));
      for (const x of idx) file.write(csvLine([m, plan.parameters[x.factor], x.mu, x.muStar, x.sigma, x.n, rank.get(x.factor)]));
    });
    file.commit();
  } catch (err) {
    file.abandon();
    throw err;
  }
}

/** True when every run of the plan has its record in `dir`. */
export function allRecorded(dir: string, plan: ExperimentPlan): boolean {
  for (let run = 0; run < runCount(plan); run++) if (!readRecord(dir, plan, run)) return false;
  return true;
}
