import { describe, expect, it } from 'vitest';
import { importanceWeights, type Population } from '../../src/calibrate/abc.ts';
import type { CalibrationPlan } from '../../src/calibrate/load.ts';
import { correlations, parameterSummaries, readingFacts, readingText } from '../../src/calibrate/reading.ts';
import type { Outcome } from '../../src/calibrate/run.ts';
import type { FreeParameter } from '../../src/calibrate/priors.ts';

const free = (path: string): FreeParameter => ({ path, min: 0, max: 1, prior: 'uniform', mean: null, sd: null, integer: false });

/** A plan of two uniform [0, 1] parameters and no series: enough for the identifiability reading. */
const plan = { parameters: [free('a'), free('b')], series: [], method: { type: 'abc-smc', particles: 200, acceptance: 0.5 } } as unknown as CalibrationPlan;

/** An outcome whose last population holds these particles, equally weighted. */
function outcome(us: number[][]): Outcome {
  const particles = us.map((u, candidate) => ({ u, weight: 1 / us.length, distance: 1, sims: [], candidate }));
  return { populations: [{ t: 0, epsilon: 1, candidates: us.length, particles }], steps: [], best: { u: us[0], distance: 1, sims: [] }, predictive: [], runsUsed: 0 };
}

function reading(us: number[][]): string[] {
  const o = outcome(us);
  const params = parameterSummaries(plan, o);
  return readingText(readingFacts(plan, params, correlations(plan, o), []));
}

/** A deterministic spread of n points in [0, 1) (golden-ratio sequence). */
const spread = (n: number, k: number) => Array.from({ length: n }, (_, i) => (0.5 + i * k * 0.6180339887) % 1);

describe('the identifiability reading', () => {
  it('reports a ridge when two parameters trade off, and none when they are independent', () => {
    const x = spread(200, 1);
    const ridge = reading(x.map((v, i) => [0.3 + 0.4 * v, 0.7 - 0.4 * v + 0.02 * (spread(200, 3)[i] - 0.5)]));
    expect(ridge.some((l) => l.startsWith('Ridge: a and b'))).toBe(true);
    const independent = reading(x.map((v, i) => [0.3 + 0.4 * v, 0.3 + 0.4 * spread(200, 7)[i]]));
    expect(independent.some((l) => l.startsWith('Ridge'))).toBe(false);
  });

  it('reports a parameter whose interval is as wide as its prior, and not one the data pinned down', () => {
    const x = spread(200, 1);
    const lines = reading(x.map((v, i) => [v, 0.45 + 0.1 * spread(200, 7)[i]]));
    expect(lines.filter((l) => l.startsWith('Not identified')).map((l) => l.split(' ')[6])).toEqual(['a']);
  });
});

describe('ABC-SMC importance weights', () => {
  it('are prior over the kernel mixture: a candidate far from the previous particles weighs more', () => {
    const params = [free('a')];
    const prev: Population = {
      t: 0,
      epsilon: 1,
      candidates: 4,
      particles: [0.4, 0.45, 0.5, 0.55].map((u, i) => ({ u: [u], weight: 0.25, distance: 0, sims: [], candidate: i })),
    };
    // Kernel variance = 2 × weighted variance of the previous particles.
    const mean = 0.475;
    const variance = 2 * ([0.4, 0.45, 0.5, 0.55].reduce((s, u) => s + (u - mean) ** 2, 0) / 4);
    const q = (u: number) => [0.4, 0.45, 0.5, 0.55].reduce((s, m) => s + 0.25 * Math.exp(-((u - m) ** 2) / (2 * variance)), 0);
    const w = importanceWeights(params, [[0.475], [0.7]], prev);
    const expected = [1 / q(0.475), 1 / q(0.7)];
    const total = expected[0] + expected[1];
    expect(w[0]).toBeCloseTo(expected[0] / total, 12);
    expect(w[1]).toBeCloseTo(expected[1] / total, 12);
    expect(w[1]).toBeGreaterThan(w[0]);
  });
});
