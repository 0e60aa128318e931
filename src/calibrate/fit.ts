import type { CalibrationPlan, Series } from './load.ts';

/** Simulated values of one evaluation: [seed][series][tick]. */
export type Sims = number[][][];

/** Mean over seeds of each series at each tick (common random numbers: the seed noise is shared by all candidates). */
export function seedMean(sims: Sims): number[][] {
  return sims[0].map((series, s) => series.map((_, k) => sims.reduce((acc, seed) => acc + seed[s][k], 0) / sims.length));
}

/**
 * The distance of an evaluation from the observations, over the fitted (not held-out) ticks:
 * √(Σ_series w Σ_ticks r² / Σ_series w n), where r is simulated − observed (rmse) or that
 * divided by the observed sd (sd-weighted), and the simulated value is the mean over seeds.
 * Infinity when a fitted value is missing (a scope that emptied).
 */
export function distance(plan: CalibrationPlan, sims: Sims): number {
  const mean = seedMean(sims);
  let num = 0;
  let den = 0;
  plan.series.forEach((s, i) => {
    s.ticks.forEach((_, k) => {
      if (s.heldOut[k]) return;
      const r = (mean[i][k] - s.values[k]) / (plan.distance === 'sd-weighted' ? (s.sds[k] as number) : 1);
      num += s.weight * r * r;
      den += s.weight;
    });
  });
  const d = Math.sqrt(num / den);
  return Number.isFinite(d) ? d : Infinity;
}

/** Root mean square of simulated − observed of one series over its fitted or its held-out ticks (NaN when there are none). */
export function seriesRmse(s: Series, simulated: readonly number[], heldOut: boolean): number {
  let sum = 0;
  let n = 0;
  s.ticks.forEach((_, k) => {
    if (s.heldOut[k] !== heldOut) return;
    sum += (simulated[k] - s.values[k]) ** 2;
    n++;
  });
  return n > 0 ? Math.sqrt(sum / n) : NaN;
}

/** The weighted q-quantile of values (weights need not sum to 1): the smallest value whose cumulative weight reaches q. */
export function weightedQuantile(values: readonly number[], weights: readonly number[], q: number): number {
  const idx = values.map((_, i) => i).filter((i) => Number.isFinite(values[i])).sort((a, b) => values[a] - values[b]);
  const total = idx.reduce((s, i) => s + weights[i], 0);
  let acc = 0;
  for (const i of idx) {
    acc += weights[i];
    if (acc >= q * total * (1 - 1e-12)) return values[i];
  }
  return idx.length ? values[idx[idx.length - 1]] : NaN;
}

/** Weighted Pearson correlation of two columns. */
export function weightedCorrelation(x: readonly number[], y: readonly number[], w: readonly number[]): number {
  const tw = w.reduce((a, b) => a + b, 0);
  const mx = x.reduce((s, v, i) => s + w[i] * v, 0) / tw;
  const my = y.reduce((s, v, i) => s + w[i] * v, 0) / tw;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((v, i) => {
    sxy += w[i] * (v - mx) * (y[i] - my);
    sxx += w[i] * (v - mx) ** 2;
    syy += w[i] * (y[i] - my) ** 2;
  });
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}
