/**
 * The reading of a calibration: per-parameter posterior summaries, identifiability warnings
 * (a ridge where two parameters trade off; an interval about as wide as the prior's) and the
 * held-out validation (does the fit carry over to the years kept out of it?).
 */
import seedrandom from 'seedrandom';
import type { Stream } from '../engine/rng.ts';
import { seedMean, seriesRmse, weightedCorrelation, weightedQuantile } from './fit.ts';
import type { CalibrationPlan } from './load.ts';
import { samplePrior, toU, toValue, uBounds } from './priors.ts';
import type { Outcome } from './run.ts';

/** Posterior correlation (on the sampler's scale) beyond which two parameters are read as a ridge. */
export const RIDGE_CORRELATION = 0.7;
/** A posterior 90% interval at least this share of the prior's 90% interval is read as "as wide as the prior". */
export const WIDE_SHARE = 0.8;
/** Held-out error beyond this multiple of the fit error (with most held-out points outside the band) reads as a miss. */
export const MISS_RATIO = 2;

/** Per-parameter summary. */
export interface ParameterSummary {
  path: string;
  prior: string;
  min: number;
  max: number;
  best: number;
  /** Posterior median and 90% interval (ABC-SMC only). */
  median: number | null;
  lo90: number | null;
  hi90: number | null;
  /** The prior's own 90% interval, for comparison. */
  priorLo90: number;
  priorHi90: number;
}

/** Per-series fit: errors of the best point, and how many held-out observations fall in the 90% predictive band. */
export interface SeriesFit {
  scope: string;
  metric: string;
  fitRmse: number;
  heldOutRmse: number | null;
  heldOutInBand: number | null;
  /** Per tick: posterior predictive median and 90% band, and the best point's value (mean over seeds). */
  median: number[];
  lo90: number[];
  hi90: number[];
  best: number[];
}

/** The prior's 5% and 95% quantiles on the u scale (exact for flat priors, from draws for truncated normals). */
function priorInterval(plan: CalibrationPlan, i: number): [number, number] {
  const p = plan.parameters[i];
  const [lo, hi] = uBounds(p);
  if (p.prior !== 'normal') return [lo + 0.05 * (hi - lo), lo + 0.95 * (hi - lo)];
  const rand = seedrandom.alea(`urd-calibrate:prior:${p.path}`, { state: true }) as unknown as Stream;
  const draws = Array.from({ length: 20_000 }, () => samplePrior([p], rand)[0]);
  const w = draws.map(() => 1);
  return [weightedQuantile(draws, w, 0.05), weightedQuantile(draws, w, 0.95)];
}

/** The last population's particles (u, weight), or null for optimize. */
function posterior(outcome: Outcome): { us: number[][]; w: number[] } | null {
  const last = outcome.populations[outcome.populations.length - 1];
  return last ? { us: last.particles.map((p) => p.u), w: last.particles.map((p) => p.weight) } : null;
}

/** Posterior median and 90% interval of each parameter, beside its best value and its prior's interval. */
export function parameterSummaries(plan: CalibrationPlan, outcome: Outcome): ParameterSummary[] {
  const post = posterior(outcome);
  return plan.parameters.map((p, i) => {
    const col = post?.us.map((u) => u[i]) ?? [];
    const q = (x: number) => (post ? toValue(p, weightedQuantile(col, post.w, x)) : null);
    const [plo, phi] = priorInterval(plan, i);
    return { path: p.path, prior: p.prior, min: p.min, max: p.max, best: toValue(p, outcome.best.u[i]), median: q(0.5), lo90: q(0.05), hi90: q(0.95), priorLo90: toValue(p, plo), priorHi90: toValue(p, phi) };
  });
}

/** Weighted posterior correlations of every pair of parameters (on the u scale). */
export function correlations(plan: CalibrationPlan, outcome: Outcome): { a: string; b: string; r: number }[] {
  const post = posterior(outcome);
  if (!post) return [];
  const out: { a: string; b: string; r: number }[] = [];
  for (let i = 0; i < plan.parameters.length; i++) {
    for (let j = i + 1; j < plan.parameters.length; j++) {
      const r = weightedCorrelation(
        post.us.map((u) => u[i]),
        post.us.map((u) => u[j]),
        post.w,
      );
      out.push({ a: plan.parameters[i].path, b: plan.parameters[j].path, r });
    }
  }
  return out;
}

/** Observed against simulated for each series: the predictive band, the best point, and the errors. */
export function seriesFits(plan: CalibrationPlan, outcome: Outcome): SeriesFit[] {
  const best = seedMean(outcome.best.sims);
  return plan.series.map((s, i) => {
    const draws: number[][] = s.ticks.map(() => []);
    const weights: number[] = [];
    for (const d of outcome.predictive) {
      for (const seed of d.sims) {
        seed[i].forEach((v, k) => draws[k].push(v));
        weights.push(d.weight / d.sims.length);
      }
    }
    const q = (x: number) => draws.map((col) => weightedQuantile(col, weights, x));
    const lo90 = q(0.05);
    const hi90 = q(0.95);
    const held = s.heldOut.filter(Boolean).length;
    const inBand = s.ticks.filter((_, k) => s.heldOut[k] && s.values[k] >= lo90[k] && s.values[k] <= hi90[k]).length;
    return {
      scope: s.scope,
      metric: s.metric,
      fitRmse: seriesRmse(s, best[i], false),
      heldOutRmse: held > 0 ? seriesRmse(s, best[i], true) : null,
      heldOutInBand: held > 0 ? inBand / held : null,
      median: q(0.5),
      lo90,
      hi90,
      best: best[i],
    };
  });
}

const fmt = (x: number) => (Math.abs(x) >= 1000 || (Math.abs(x) < 0.001 && x !== 0) ? x.toExponential(2) : Number(x.toPrecision(3)).toString());

/** The reading, one sentence each: identifiability warnings, then the held-out validation. */
export function readingLines(plan: CalibrationPlan, outcome: Outcome, params: readonly ParameterSummary[], corr: readonly { a: string; b: string; r: number }[], fits: readonly SeriesFit[]): string[] {
  const lines: string[] = [];
  if (plan.method.type === 'optimize') {
    lines.push('optimize finds one best point and no posterior: nothing here says how well the data pin the parameters down; use method abc-smc for intervals and identifiability.');
  }
  for (const c of corr) {
    if (Math.abs(c.r) >= RIDGE_CORRELATION) {
      lines.push(`Ridge: ${c.a} and ${c.b} trade off (posterior correlation ${fmt(c.r)}): the data pin down a ${c.r > 0 ? 'ratio' : 'combination'} of the two better than either alone.`);
    }
  }
  plan.parameters.forEach((p, i) => {
    const s = params[i];
    if (s.lo90 === null || s.hi90 === null) return;
    const [lo, hi] = [toU(p, s.lo90), toU(p, s.hi90)];
    const [plo, phi] = [toU(p, s.priorLo90), toU(p, s.priorHi90)];
    if (hi - lo >= WIDE_SHARE * (phi - plo)) {
      lines.push(`Not identified: the 90% interval of ${p.path} (${fmt(s.lo90)} to ${fmt(s.hi90)}) is about as wide as its prior's (${fmt(s.priorLo90)} to ${fmt(s.priorHi90)}): the data say little about it.`);
    }
  });
  for (const f of fits) {
    if (f.heldOutRmse === null) continue;
    const name = `${f.metric} (${f.scope})`;
    const share = f.heldOutInBand as number;
    if (f.heldOutRmse > MISS_RATIO * f.fitRmse && share < 0.5) {
      lines.push(`Held-out miss for ${name}: the model fits the past (RMSE ${fmt(f.fitRmse)}) but misses the held-out ticks (RMSE ${fmt(f.heldOutRmse)}; ${Math.round(100 * share)}% of them inside the 90% band).`);
    } else {
      lines.push(`Held-out check for ${name}: RMSE ${fmt(f.heldOutRmse)} on the held-out ticks beside ${fmt(f.fitRmse)} on the fitted ones; ${Math.round(100 * share)}% of held-out observations inside the 90% band.`);
    }
  }
  if (lines.length === 0) lines.push('No ridge and no parameter as wide as its prior; no ticks were held out, so nothing says whether the fit carries forward (set fit.holdOut).');
  return lines;
}
