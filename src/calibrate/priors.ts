/**
 * Free parameters on the sampler's scale. Every algorithm works on u, where the prior is flat
 * or normal: u = x for uniform and normal priors, u = ln x for log-uniform ones, so a kernel
 * perturbs a rate over orders of magnitude as evenly as a share over [0, 1].
 */
import { normal, type Stream } from '../engine/rng.ts';
import type { PriorKind } from './schema.ts';

/** A free parameter as resolved from the calibration file. */
export interface FreeParameter {
  /** Scenario field path, as for --set. */
  path: string;
  min: number;
  max: number;
  prior: PriorKind;
  /** Mean and sd of a normal prior (null otherwise). */
  mean: number | null;
  sd: number | null;
  integer: boolean;
}

/** Bounds of a parameter on the u scale. */
export function uBounds(p: FreeParameter): [number, number] {
  return p.prior === 'log-uniform' ? [Math.log(p.min), Math.log(p.max)] : [p.min, p.max];
}

/** The scenario value of a u value (rounded for whole-number fields). */
export function toValue(p: FreeParameter, u: number): number {
  const x = p.prior === 'log-uniform' ? Math.exp(u) : u;
  const clamped = Math.min(p.max, Math.max(p.min, x));
  return p.integer ? Math.round(clamped) : Number(clamped.toPrecision(12));
}

/** The u value of a scenario value. */
export function toU(p: FreeParameter, x: number): number {
  return p.prior === 'log-uniform' ? Math.log(x) : x;
}

/** Whether a u vector lies inside every parameter's bounds. */
export function inside(params: readonly FreeParameter[], u: readonly number[]): boolean {
  return params.every((p, i) => {
    const [lo, hi] = uBounds(p);
    return u[i] >= lo && u[i] <= hi;
  });
}

/**
 * Log prior density of a u vector, up to a constant (-Infinity outside the bounds). Uniform and
 * log-uniform priors are flat on u; a normal prior is its Gaussian, truncated to the bounds.
 */
export function logPrior(params: readonly FreeParameter[], u: readonly number[]): number {
  if (!inside(params, u)) return -Infinity;
  let lp = 0;
  params.forEach((p, i) => {
    if (p.prior === 'normal') lp -= 0.5 * (((u[i] - (p.mean as number)) / (p.sd as number)) ** 2);
  });
  return lp;
}

/** Share of a normal prior's mass inside the bounds (from the error function). */
export function normalMassInside(p: FreeParameter): number {
  const cdf = (x: number) => 0.5 * (1 + erf((x - (p.mean as number)) / ((p.sd as number) * Math.SQRT2)));
  return cdf(p.max) - cdf(p.min);
}

/** Error function (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
function erf(x: number): number {
  const s = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}

/** One draw from the prior, on the u scale (normal priors by rejection; load checks they keep ≥ 1% of their mass inside). */
export function samplePrior(params: readonly FreeParameter[], rand: Stream): number[] {
  return params.map((p) => {
    const [lo, hi] = uBounds(p);
    if (p.prior !== 'normal') return lo + (hi - lo) * rand();
    for (;;) {
      const u = (p.mean as number) + (p.sd as number) * normal(rand);
      if (u >= lo && u <= hi) return u;
    }
  });
}
