/**
 * ABC-SMC (Toni et al. 2009; Beaumont et al. 2009) with a fixed number of candidates per
 * population, so a population is a batch of independent runs that workers and shards share:
 *
 * - population 0 draws M = ⌈N / acceptance⌉ candidates from the prior;
 * - population t > 0 draws M candidates from the previous population's particles, each picked
 *   with its weight and moved by a Gaussian kernel whose covariance is twice the weighted
 *   covariance of those particles (Beaumont et al. 2009; Filippi et al. 2013); a candidate
 *   outside the bounds is drawn again from the start (pick and move), so the proposal is the
 *   kernel mixture restricted to the prior's support, up to a constant;
 * - the N candidates with the smallest distance are kept (ties by candidate index), and the
 *   tolerance ε_t is the distance of the last one kept: it shrinks as the proposals concentrate
 *   (near the seed-noise floor it stalls, and may rise a little, each population being a fresh batch);
 * - kept particles get importance weights w_i ∝ π(θ_i) / Σ_j w_j K(θ_i | θ_j) (prior over
 *   proposal), normalised to sum to 1 (population 0: equal weights).
 *
 * Everything works on the u scale (see priors.ts) and draws from one alea stream per
 * population, named after the calibration seed, so a population is the same every time.
 */
import seedrandom from 'seedrandom';
import { normal, type Stream } from '../engine/rng.ts';
import { inside, logPrior, samplePrior, type FreeParameter } from './priors.ts';

/** A kept particle: where it is (u scale), its weight, its distance and its simulated series per seed. */
export interface Particle {
  u: number[];
  weight: number;
  distance: number;
  /** [seed][series][tick]: kept for the posterior predictive bands of fit.csv. */
  sims: number[][][];
  /** Index of the candidate it was, in its population. */
  candidate: number;
}

/** A finished population: the per-population checkpoint. */
export interface Population {
  t: number;
  epsilon: number;
  candidates: number;
  particles: Particle[];
}

/** The population's own random stream. */
export function populationStream(seed: number, t: number): Stream {
  return seedrandom.alea(`urd-calibrate:${seed}:population:${t}`, { state: true }) as unknown as Stream;
}

/** Weighted mean and covariance of u vectors. */
export function weightedCovariance(us: readonly number[][], w: readonly number[]): { mean: number[]; cov: number[][] } {
  const k = us[0].length;
  const total = w.reduce((a, b) => a + b, 0);
  const mean = Array.from({ length: k }, (_, d) => us.reduce((s, u, i) => s + w[i] * u[d], 0) / total);
  const cov = Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, b) => us.reduce((s, u, i) => s + w[i] * (u[a] - mean[a]) * (u[b] - mean[b]), 0) / total));
  return { mean, cov };
}

/** Lower Cholesky factor of a symmetric matrix, with a small ridge added until it is positive definite. */
export function cholesky(m: readonly number[][]): number[][] {
  const k = m.length;
  const scale = Math.max(...m.map((r, i) => Math.abs(r[i])), 1e-300);
  for (let jitter = 0; ; jitter = jitter === 0 ? 1e-10 * scale : jitter * 10) {
    const l = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    let ok = true;
    for (let i = 0; i < k && ok; i++) {
      for (let j = 0; j <= i; j++) {
        let s = m[i][j] + (i === j ? jitter : 0);
        for (let q = 0; q < j; q++) s -= l[i][q] * l[j][q];
        if (i === j) {
          if (!(s > 0)) ok = false;
          else l[i][i] = Math.sqrt(s);
        } else l[i][j] = s / l[j][j];
      }
    }
    if (ok) return l;
  }
}

/** The kernel of population t: covariance 2·Σ of the previous particles, as its Cholesky factor and log normaliser. */
export function kernelOf(prev: Population): { chol: number[][]; logDet: number } {
  const { cov } = weightedCovariance(
    prev.particles.map((p) => p.u),
    prev.particles.map((p) => p.weight),
  );
  const chol = cholesky(cov.map((row) => row.map((v) => 2 * v)));
  return { chol, logDet: 2 * chol.reduce((s, row, i) => s + Math.log(row[i]), 0) };
}

/** Log density (up to the shared constant) of N(0, LLᵀ) at d, by forward substitution. */
function logKernel(chol: readonly number[][], d: readonly number[]): number {
  const z: number[] = [];
  let q = 0;
  for (let i = 0; i < d.length; i++) {
    let s = d[i];
    for (let j = 0; j < i; j++) s -= chol[i][j] * z[j];
    z.push(s / chol[i][i]);
    q += z[i] * z[i];
  }
  return -0.5 * q;
}

function pickWeighted(weights: readonly number[], r: number): number {
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i];
    if (r < acc) return i;
  }
  return weights.length - 1;
}

/** Draws the M candidates of population t (prior draws for t = 0, kernel moves of the previous particles after). */
export function proposeCandidates(params: readonly FreeParameter[], prev: Population | null, t: number, m: number, seed: number): number[][] {
  const rand = populationStream(seed, t);
  if (!prev) return Array.from({ length: m }, () => samplePrior(params, rand));
  const { chol } = kernelOf(prev);
  const weights = prev.particles.map((p) => p.weight);
  const out: number[][] = [];
  while (out.length < m) {
    const from = prev.particles[pickWeighted(weights, rand())].u;
    const z = from.map(() => normal(rand));
    const u = from.map((x, i) => x + chol[i].reduce((s, c, j) => s + c * z[j], 0));
    if (inside(params, u)) out.push(u);
  }
  return out;
}

/** Indices of the N best candidates by distance (ties by index); non-finite distances come last. */
export function keepBest(distances: readonly number[], n: number): number[] {
  const key = (d: number) => (Number.isFinite(d) ? d : Infinity);
  return distances
    .map((d, i) => i)
    .sort((a, b) => key(distances[a]) - key(distances[b]) || a - b)
    .slice(0, n);
}

/** Normalised importance weights of kept particles: prior over the kernel mixture of the previous population. */
export function importanceWeights(params: readonly FreeParameter[], kept: readonly number[][], prev: Population | null): number[] {
  if (!prev) return kept.map(() => 1 / kept.length);
  const { chol } = kernelOf(prev);
  const logs = kept.map((u) => {
    const terms = prev.particles.map((p) => Math.log(p.weight) + logKernel(chol, u.map((x, i) => x - p.u[i])));
    const top = Math.max(...terms);
    return logPrior(params, u) - (top + Math.log(terms.reduce((s, v) => s + Math.exp(v - top), 0)));
  });
  const top = Math.max(...logs);
  const raw = logs.map((l) => Math.exp(l - top));
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((r) => r / total);
}

/** Effective sample size of weights, 1 / Σ w² (Kish). */
export function effectiveSize(weights: readonly number[]): number {
  return 1 / weights.reduce((s, w) => s + w * w, 0);
}
