import { describe, expect, it } from 'vitest';
import { designStream, factorial, latinHypercube, morrisDesign, morrisIndices, type Bounds } from '../../src/experiments/design.ts';
import { expandRange } from '../../src/experiments/parameters.ts';

const unit = (n: number): Bounds[] => Array.from({ length: n }, () => ({ min: 0, max: 1, integer: false }));

describe('factorial', () => {
  it('lists every combination, the first parameter varying slowest', () => {
    expect(factorial([[1, 2], ['a', 'b', 'c']])).toEqual([
      [1, 'a'], [1, 'b'], [1, 'c'], [2, 'a'], [2, 'b'], [2, 'c'],
    ]);
    expect(factorial([])).toEqual([[]]);
  });

  it('expands {from, to, step} with to included and no float noise', () => {
    expect(expandRange(0.1, 0.5, 0.1)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(expandRange(0, 1, 0.3)).toEqual([0, 0.3, 0.6, 0.9]);
    expect(expandRange(2, 2, 1)).toEqual([2]);
  });
});

describe('latin hypercube', () => {
  it('uses each of the N strata of every parameter exactly once, inside the bounds', () => {
    const bounds: Bounds[] = [{ min: 0, max: 1, integer: false }, { min: 10, max: 30, integer: false }, { min: -1, max: 0, integer: false }];
    const n = 25;
    const pts = latinHypercube(bounds, n, designStream('lhs', 3));
    expect(pts).toHaveLength(n);
    bounds.forEach((b, d) => {
      const strata = pts.map((p) => Math.floor(((p[d] - b.min) / (b.max - b.min)) * n)).sort((a, c) => a - c);
      expect(strata).toEqual(Array.from({ length: n }, (_, i) => i));
    });
  });

  it('is the same for the same seed and differs for another', () => {
    const a = latinHypercube(unit(2), 8, designStream('lhs', 1));
    expect(latinHypercube(unit(2), 8, designStream('lhs', 1))).toEqual(a);
    expect(latinHypercube(unit(2), 8, designStream('lhs', 2))).not.toEqual(a);
  });
});

describe('morris design', () => {
  it('moves every parameter exactly once per trajectory, by ±Δ, staying on the grid in [0, 1]', () => {
    const k = 5;
    const levels = 6;
    const { points, plan } = morrisDesign(unit(k), 10, levels, designStream('morris', 9));
    expect(points).toHaveLength(10 * (k + 1));
    expect(plan.delta).toBeCloseTo(levels / (2 * (levels - 1)), 15);
    plan.trajectories.forEach((steps, t) => {
      expect(steps.map((s) => s.factor).sort()).toEqual([0, 1, 2, 3, 4]);
      steps.forEach((s, j) => {
        const before = points[t * (k + 1) + j];
        const after = points[t * (k + 1) + j + 1];
        for (let i = 0; i < k; i++) {
          if (i === s.factor) expect(after[i] - before[i]).toBeCloseTo(s.sign * plan.delta, 12);
          else expect(after[i]).toBe(before[i]);
        }
      });
    });
    for (const p of points) {
      for (const v of p) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
        expect(Math.abs(v * (levels - 1) - Math.round(v * (levels - 1)))).toBeLessThan(1e-9);
      }
    }
  });

  it('ranks the parameters of a function with known effects correctly', () => {
    // y = 8·x1 + 4·x2² + x3 + 0·x4 + 2·x1·x3 on the unit cube, x2 given on [0, 10]: effects
    // x1 ≈ 8–10, x2 ≈ 4·(2x+Δ) ~ 4, x3 ≈ 1–3, x4 exactly 0 — ranking x1, x2, x3, x4.
    const bounds: Bounds[] = [
      { min: 0, max: 1, integer: false },
      { min: 0, max: 10, integer: false },
      { min: 0, max: 1, integer: false },
      { min: 0, max: 1, integer: false },
    ];
    const f = ([a, b, c]: number[]) => 8 * a + 4 * (b / 10) ** 2 + c + 2 * a * c;
    const { points, plan } = morrisDesign(bounds, 20, 4, designStream('morris', 1));
    const idx = morrisIndices(plan, 4, points.map(f));
    const ranking = [...idx].sort((p, q) => q.muStar - p.muStar).map((x) => x.factor);
    expect(ranking).toEqual([0, 1, 2, 3]);
    expect(idx[3].muStar).toBe(0);
    expect(idx[3].sigma).toBe(0);
    // A linear effect is constant: μ = μ* = its slope on the unit scale, σ = 0.
    const linear = morrisIndices(plan, 4, points.map(([a, , , d]) => 3 * a - 2 * d));
    expect(linear[0].mu).toBeCloseTo(3, 12);
    expect(linear[0].sigma).toBeCloseTo(0, 12);
    expect(linear[3].mu).toBeCloseTo(-2, 12);
    expect(linear[3].muStar).toBeCloseTo(2, 12);
    expect(linear.every((x) => x.n === 20)).toBe(true);
  });

  it('drops effects whose outputs are missing', () => {
    const { points, plan } = morrisDesign(unit(2), 3, 4, designStream('morris', 2));
    const y = points.map(([a]) => a);
    y[0] = NaN;
    const idx = morrisIndices(plan, 2, y);
    expect(idx[plan.trajectories[0][0].factor].n).toBe(2);
  });
});
