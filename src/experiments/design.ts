import seedrandom from 'seedrandom';

/** A value a parameter can take at a point: numbers, and strings or booleans for enum fields. */
export type Scalar = number | string | boolean;

/** A parameter's continuous range, for the Latin hypercube and Morris designs. */
export interface Bounds {
  min: number;
  max: number;
  /** Round values to whole numbers (for counts such as world.residents). */
  integer: boolean;
}

/**
 * Returns the full factorial grid of the given value lists: every combination, with the first
 * parameter varying slowest (as nested loops in the order written), so point order is readable.
 */
export function factorial(lists: readonly (readonly Scalar[])[]): Scalar[][] {
  let points: Scalar[][] = [[]];
  for (const values of lists) {
    const next: Scalar[][] = [];
    for (const p of points) for (const v of values) next.push([...p, v]);
    points = next;
  }
  return points;
}

/** Seeded uniform [0,1) stream for a design; named so designs never share draws with runs. */
export function designStream(kind: string, seed: number): () => number {
  return seedrandom.alea(`urd-design:${kind}:${seed}`);
}

function shuffle(n: number, rand: () => number): number[] {
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  return perm;
}

/** Maps a unit-interval coordinate onto a parameter's bounds (rounding integer parameters). */
export function scale(u: number, b: Bounds): number {
  const v = b.min + u * (b.max - b.min);
  return b.integer ? Math.round(v) : v;
}

/**
 * Returns a Latin hypercube sample of `samples` points (McKay, Beckman & Conover 1979): each
 * parameter's range is cut into `samples` equal strata and each stratum is used exactly once,
 * at a uniform position inside it. Covers every one-dimensional margin evenly with few points.
 */
export function latinHypercube(bounds: readonly Bounds[], samples: number, rand: () => number): number[][] {
  const points: number[][] = Array.from({ length: samples }, () => []);
  for (const b of bounds) {
    const perm = shuffle(samples, rand);
    for (let i = 0; i < samples; i++) points[i].push(scale((perm[i] + rand()) / samples, b));
  }
  return points;
}

/** One step of a Morris trajectory: which parameter moved, and up (+1) or down (−1). */
export interface MorrisStep {
  factor: number;
  sign: 1 | -1;
}

/**
 * A Morris design: trajectory t occupies points t·(k+1) … t·(k+1)+k, and step s moves from
 * point t·(k+1)+s to the next one. `delta` is the jump on the unit scale.
 */
export interface MorrisPlan {
  levels: number;
  delta: number;
  trajectories: MorrisStep[][];
}

/**
 * Returns a Morris (1991) one-at-a-time design: `trajectories` random trajectories on a grid of
 * `levels` (even) levels per parameter, each moving every parameter once by Δ = p/(2(p−1)).
 * A trajectory's start is drawn from the levels that leave room for the jump, each parameter
 * moves up or down at random, in a random order, so every point stays on the grid inside [0, 1].
 */
export function morrisDesign(
  bounds: readonly Bounds[],
  trajectories: number,
  levels: number,
  rand: () => number,
): { points: number[][]; plan: MorrisPlan } {
  if (levels < 2 || levels % 2 !== 0) throw new RangeError(`levels must be an even number ≥ 2, got ${levels}`);
  const k = bounds.length;
  const jump = levels / 2; // Δ in grid steps
  const points: number[][] = [];
  const plan: MorrisPlan = { levels, delta: levels / (2 * (levels - 1)), trajectories: [] };
  for (let t = 0; t < trajectories; t++) {
    const base = bounds.map(() => Math.floor(rand() * jump));
    const signs = bounds.map(() => (rand() < 0.5 ? 1 : -1) as 1 | -1);
    const order = shuffle(k, rand);
    const level = base.map((j, i) => (signs[i] === 1 ? j : j + jump));
    const at = () => level.map((l, i) => scale(l / (levels - 1), bounds[i]));
    points.push(at());
    const steps: MorrisStep[] = [];
    for (const i of order) {
      level[i] += signs[i] * jump;
      points.push(at());
      steps.push({ factor: i, sign: signs[i] });
    }
    plan.trajectories.push(steps);
  }
  return { points, plan };
}

/** Morris statistics of one parameter: mean effect, mean absolute effect and spread. */
export interface MorrisIndex {
  factor: number;
  /** Mean elementary effect μ (signed). */
  mu: number;
  /** Mean absolute elementary effect μ* (Campolongo et al. 2007): overall importance. */
  muStar: number;
  /** Standard deviation σ of the effects (n−1): interactions or non-linearity. */
  sigma: number;
  /** Effects used (trajectories whose two outputs were both finite). */
  n: number;
}

/**
 * Returns μ, μ* and σ per parameter from the output `y` at each design point. Elementary
 * effects are on the unit scale, EE = ±(y_after − y_before)/Δ, so parameters with different
 * units are ranked on equal terms by μ*. Non-finite outputs drop the effects that use them.
 */
export function morrisIndices(plan: MorrisPlan, factors: number, y: ArrayLike<number>): MorrisIndex[] {
  const effects: number[][] = Array.from({ length: factors }, () => []);
  plan.trajectories.forEach((steps, t) => {
    const first = t * (factors + 1);
    steps.forEach((step, s) => {
      const ee = (step.sign * (y[first + s + 1] - y[first + s])) / plan.delta;
      if (Number.isFinite(ee)) effects[step.factor].push(ee);
    });
  });
  return effects.map((ee, factor) => {
    const n = ee.length;
    const mu = ee.reduce((a, b) => a + b, 0) / n;
    const muStar = ee.reduce((a, b) => a + Math.abs(b), 0) / n;
    const sigma = n >= 2 ? Math.sqrt(ee.reduce((a, b) => a + (b - mu) * (b - mu), 0) / (n - 1)) : NaN;
    return { factor, mu, muStar, sigma, n };
  });
}
