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
import { CALIBRATION_TEXT, readingNumber } from '../i18n/calibrate.ts';
import type { Lang } from '../i18n/terms.ts';

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

/**
 * One finding of the reading, as numbers: written to calibration.json, so the report can tell
 * it in either language from the folder alone.
 */
export type ReadingFact =
  | { id: 'optimize' }
  | { id: 'ridge'; a: string; b: string; r: number }
  | { id: 'wide'; path: string; lo: number; hi: number; priorLo: number; priorHi: number }
  | { id: 'miss' | 'check'; metric: string; scope: string; fitRmse: number; heldOutRmse: number; share: number }
  | { id: 'none' };

/** The findings, in reading order: identifiability warnings, then the held-out validation. */
export function readingFacts(plan: CalibrationPlan, params: readonly ParameterSummary[], corr: readonly { a: string; b: string; r: number }[], fits: readonly SeriesFit[]): ReadingFact[] {
  const facts: ReadingFact[] = [];
  if (plan.method.type === 'optimize') facts.push({ id: 'optimize' });
  for (const c of corr) if (Math.abs(c.r) >= RIDGE_CORRELATION) facts.push({ id: 'ridge', ...c });
  plan.parameters.forEach((p, i) => {
    const s = params[i];
    if (s.lo90 === null || s.hi90 === null) return;
    const [lo, hi] = [toU(p, s.lo90), toU(p, s.hi90)];
    const [plo, phi] = [toU(p, s.priorLo90), toU(p, s.priorHi90)];
    if (hi - lo >= WIDE_SHARE * (phi - plo)) facts.push({ id: 'wide', path: p.path, lo: s.lo90, hi: s.hi90, priorLo: s.priorLo90, priorHi: s.priorHi90 });
  });
  for (const f of fits) {
    if (f.heldOutRmse === null) continue;
    const share = f.heldOutInBand as number;
    facts.push({ id: f.heldOutRmse > MISS_RATIO * f.fitRmse && share < 0.5 ? 'miss' : 'check', metric: f.metric, scope: f.scope, fitRmse: f.fitRmse, heldOutRmse: f.heldOutRmse, share });
  }
  if (facts.length === 0) facts.push({ id: 'none' });
  return facts;
}

/** The reading, one sentence per finding, in a language. */
export function readingText(facts: readonly ReadingFact[], lang: Lang = 'en'): string[] {
  const T = CALIBRATION_TEXT[lang];
  return facts.map((f) => {
    switch (f.id) {
      case 'optimize':
        return T.optimizeOnly;
      case 'ridge':
        return T.ridge(f.a, f.b, readingNumber(f.r), f.r > 0);
      case 'wide':
        return T.wide(f.path, readingNumber(f.lo), readingNumber(f.hi), readingNumber(f.priorLo), readingNumber(f.priorHi));
      case 'miss':
      case 'check': {
        const args = [T.seriesName(f.metric, f.scope), readingNumber(f.fitRmse), readingNumber(f.heldOutRmse), Math.round(100 * f.share)] as const;
        return f.id === 'miss' ? T.heldOutMiss(...args) : T.heldOutCheck(...args);
      }
      case 'none':
        return T.nothingToSay;
    }
  });
}
