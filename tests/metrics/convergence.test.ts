import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  ols,
  betaConvergence,
  trendVerdict,
  halvingTime,
  peak,
  studentTCdf,
  studentTQuantile,
  tConfidenceInterval,
} from '../../src/metrics/convergence.ts';
import { mulberry32 } from '../support.ts';

const rng = mulberry32;
/** Standard normal draw by Box–Muller. */
const normal = (u: () => number) => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());

describe('ols', () => {
  it('matches the hand computation for x=1..5, y=[2,4,5,4,5]', () => {
    // xbar = 3, ybar = 4; dx = -2,-1,0,1,2; dy = -2,0,1,0,1
    // Sxy = 4+0+0+0+2 = 6, Sxx = 10 -> slope = 0.6, intercept = 4 - 0.6*3 = 2.2
    // fitted 2.8,3.4,4.0,4.6,5.2 -> residuals -0.8,0.6,1.0,-0.6,-0.2 -> SSR = 2.4
    // SST = 4+0+1+0+1 = 6 -> R^2 = 1 - 2.4/6 = 0.6 ; SE = sqrt(2.4/3/10) = sqrt(0.08)
    const r = ols([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]);
    expect(r.slope).toBeCloseTo(0.6, 14);
    expect(r.intercept).toBeCloseTo(2.2, 14);
    expect(r.r2).toBeCloseTo(0.6, 14);
    expect(r.slopeSE).toBeCloseTo(Math.sqrt(0.08), 14);
    expect(r.n).toBe(5);
  });

  it('an exact line has SE 0 and R^2 1', () => {
    const r = ols([0, 1, 2, 3], [1, 3, 5, 7]);
    expect(r.slope).toBeCloseTo(2, 14);
    expect(r.intercept).toBeCloseTo(1, 14);
    expect(r.slopeSE).toBeCloseTo(0, 14);
    expect(r.r2).toBeCloseTo(1, 14);
  });

  it('returns NaN where the fit is not defined', () => {
    expect(ols([1, 2], [1, 3]).slope).toBeCloseTo(2, 14);
    expect(ols([1, 2], [1, 3]).slopeSE).toBeNaN(); // n - 2 = 0 dof
    expect(ols([1], [1]).slope).toBeNaN();
    expect(ols([2, 2, 2], [1, 2, 3]).slope).toBeNaN(); // constant x
    expect(ols([1, 2, 3], [4, 4, 4]).r2).toBeNaN(); // constant y: 0/0
    expect(() => ols([1, 2], [1])).toThrow(RangeError);
  });
});

describe('betaConvergence', () => {
  const T = 10;
  const initial = [100, 200, 400, 800, 1600, 3200];

  it('recovers a known beta exactly and the implied speed and half-life', () => {
    // Data generated so that ln(final/initial)/T = alpha + beta*ln(initial) holds exactly:
    // final = initial^(1 + beta*T) * exp(alpha*T)
    const beta = -0.02;
    const alpha = 0.15;
    const final = initial.map((y0) => y0 ** (1 + beta * T) * Math.exp(alpha * T));
    const r = betaConvergence(initial, final, T);
    expect(r.beta).toBeCloseTo(beta, 12);
    expect(r.se).toBeCloseTo(0, 12);
    expect(r.r2).toBeCloseTo(1, 12);
    expect(r.n).toBe(6);
    // lambda = -ln(1 + beta*T)/T = -ln(0.8)/10 ≈ 0.0223144 ; half-life = ln 2 / lambda ≈ 31.06 years
    expect(r.lambda).toBeCloseTo(-Math.log(0.8) / 10, 12);
    expect(r.lambda).toBeCloseTo(0.0223144, 6);
    expect(r.halfLife).toBeCloseTo(31.0628, 3);
  });

  it('recovers beta within tolerance from a noisy panel', () => {
    const u = rng(20240611);
    const beta = -0.03;
    const y0: number[] = [];
    const y1: number[] = [];
    for (let i = 0; i < 400; i++) {
      const a = Math.exp(2 + 4 * u()); // initial levels e^2 .. e^6
      const g = 0.2 + beta * Math.log(a) + 0.005 * normal(u); // annual growth with noise
      y0.push(a);
      y1.push(a * Math.exp(g * T));
    }
    const r = betaConvergence(y0, y1, T);
    // noise sd 0.005 on growth, ln(initial) ~ U(2,6) with sd 4/sqrt(12) ≈ 1.155, n = 400:
    // SE ≈ 0.005 / (1.155 * sqrt(400)) ≈ 2.2e-4
    expect(r.se).toBeGreaterThan(1e-4);
    expect(r.se).toBeLessThan(4e-4);
    expect(Math.abs(r.beta - beta)).toBeLessThan(4 * r.se);
    expect(r.halfLife).not.toBeNull();
  });

  it('skips units with non-positive levels', () => {
    const final = initial.map((y0) => y0 ** 0.8);
    const r = betaConvergence([...initial, 0, 5, -1], [...final, 7, 0, 3], T);
    expect(r.n).toBe(6);
    expect(r.beta).toBeCloseTo(-0.02, 12); // (0.8 - 1)/10
  });

  it('reports no convergence (halfLife null) for divergence or overshooting', () => {
    const div = betaConvergence(initial, initial.map((y0) => y0 ** 1.2), T); // beta = +0.02
    expect(div.beta).toBeCloseTo(0.02, 12);
    expect(div.lambda).toBeLessThan(0);
    expect(div.halfLife).toBeNull();
    // beta = -0.15 -> 1 + beta*T = -0.5 <= 0: lambda undefined
    const over = betaConvergence(initial, initial.map((y0) => y0 ** -0.5), T);
    expect(over.lambda).toBeNaN();
    expect(over.halfLife).toBeNull();
    expect(() => betaConvergence(initial, initial, 0)).toThrow(RangeError);
  });
});

describe('trendVerdict', () => {
  const opts = { window: 5, threshold: 0.1 };

  it('converging on a falling gap', () => {
    const s = Array.from({ length: 20 }, (_, t) => 10 - 0.5 * t); // slope -0.5 < -0.1
    const v = trendVerdict(s, opts);
    expect(v.slope).toBeCloseTo(-0.5, 12);
    expect(v.verdict).toBe('converging');
    expect(v.n).toBe(5);
    expect(v.rule).toContain('-0.5');
    expect(v.rule).toContain('0.1');
    expect(v.rule).toContain('converging');
  });

  it('diverging on a rising gap', () => {
    const v = trendVerdict([1, 1.3, 1.6, 1.9, 2.2, 2.5], opts); // slope +0.3 > 0.1
    expect(v.slope).toBeCloseTo(0.3, 12);
    expect(v.verdict).toBe('diverging');
  });

  it('stable when the slope is inside the dead band', () => {
    // alternating wiggle: last 5 points 5.05, 4.95, 5.05, 4.95, 5.05 -> slope 0 (symmetric)
    const s = Array.from({ length: 12 }, (_, t) => 5 + (t % 2 === 0 ? 0.05 : -0.05));
    const v = trendVerdict(s, opts);
    expect(Math.abs(v.slope)).toBeLessThan(0.1);
    expect(v.verdict).toBe('stable');
  });

  it('only looks at the trailing window', () => {
    // rises for 10 ticks, then falls by 1 per tick for 5 ticks
    const s = [...Array.from({ length: 10 }, (_, t) => t), 9, 8, 7, 6, 5];
    expect(trendVerdict(s, opts).verdict).toBe('converging');
    expect(trendVerdict(s, { window: 15, threshold: 0.1 }).verdict).toBe('diverging');
  });

  it('uses what is available early, skips NaN, and is undetermined with < 2 points', () => {
    expect(trendVerdict([3, 2], opts)).toMatchObject({ n: 2, verdict: 'converging' });
    expect(trendVerdict([3, NaN, 1], opts)).toMatchObject({ n: 2, slope: -1, verdict: 'converging' });
    const u = trendVerdict([3], opts);
    expect(u.verdict).toBe('undetermined');
    expect(u.rule).toMatch(/Fewer than 2/);
    expect(() => trendVerdict([1, 2], { window: 1, threshold: 0 })).toThrow(RangeError);
    expect(() => trendVerdict([1, 2], { window: 3, threshold: -1 })).toThrow(RangeError);
  });
});

describe('halvingTime and peak', () => {
  it('halvingTime finds the first tick with gap <= half the initial gap', () => {
    expect(halvingTime([10, 8, 6, 5, 4])).toBe(3); // 5 <= 10/2
    expect(halvingTime([10, 8, 6, 5, 4], [0, 10, 20, 30, 40])).toBe(30);
    expect(halvingTime([10, 12, 9, 6])).toBeNull();
    expect(halvingTime([0, 0])).toBeNull();
    expect(halvingTime([])).toBeNull();
  });

  it('halvingTime does not count an overshoot past zero as halving', () => {
    // 1.08 -> -0.43 (the periphery-first early-stage audit): the gap changed sign, it did not halve.
    expect(halvingTime([1.08, 0.9, -0.43, -0.5])).toBeNull();
    // A series that halves on its own side first, then overshoots, halved at that tick.
    expect(halvingTime([1, 0.7, 0.4, -0.3])).toBe(2);
    // A negative start (rural side ahead) halves toward zero the same way.
    expect(halvingTime([-2, -1.5, -0.9])).toBe(2);
    expect(halvingTime([-2, 1.5, 0.2])).toBeNull();
  });

  it('peak returns the first maximum and its tick', () => {
    expect(peak([1, 3, 7, 7, 2])).toEqual({ value: 7, tick: 2 });
    expect(peak([1, 3, 7, 7, 2], [100, 101, 102, 103, 104])).toEqual({ value: 7, tick: 102 });
    expect(peak([NaN, -2, -1])).toEqual({ value: -1, tick: 2 });
    expect(peak([])).toEqual({ value: NaN, tick: null });
  });
});

describe('Student t', () => {
  it('quantiles match published tables to 3 decimals', () => {
    const table: Array<[number, number]> = [
      [1, 12.706],
      [2, 4.303],
      [4, 2.776],
      [7, 2.365],
      [9, 2.262],
      [29, 2.045],
      [1e6, 1.96],
      [Infinity, 1.96],
    ];
    for (const [df, t] of table) expect(Math.abs(studentTQuantile(0.975, df) - t)).toBeLessThan(5e-4);
    expect(Math.abs(studentTQuantile(0.995, 10) - 3.169)).toBeLessThan(5e-4);
    expect(Math.abs(studentTQuantile(0.95, 20) - 1.725)).toBeLessThan(5e-4);
  });

  it('agrees with closed forms for df = 1 and df = 2', () => {
    for (const p of [0.01, 0.2, 0.6, 0.9, 0.999]) {
      expect(studentTQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 9); // Cauchy
      expect(studentTQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 9);
    }
  });

  it('property: cdf(quantile(p)) = p and the quantile is antisymmetric', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 1 - 1e-6, noNaN: true }),
        fc.double({ min: 0.5, max: 500, noNaN: true }),
        (p, df) => {
          const q = studentTQuantile(p, df);
          expect(studentTCdf(q, df)).toBeCloseTo(p, 10);
          // relative: 1 - p is itself rounded, and for df < 1 the tails are so heavy
          // that q reaches ~1e11, amplifying that rounding
          expect(Math.abs(studentTQuantile(1 - p, df) + q)).toBeLessThanOrEqual(1e-8 * Math.abs(q) + 1e-12);
        },
      ),
    );
  });

  it('confidence interval for [2,4,4,4,5,5,7,9]', () => {
    // mean = 5; squared deviations sum = 32; sample sd = sqrt(32/7) ≈ 2.13809
    // t_{0.975, 7} = 2.364624 (table) ; halfWidth = 2.364624 * 2.13809 / sqrt(8) ≈ 1.78749
    const ci = tConfidenceInterval([2, 4, 4, 4, 5, 5, 7, 9]);
    const hw = (2.364624 * Math.sqrt(32 / 7)) / Math.sqrt(8);
    expect(ci.n).toBe(8);
    expect(ci.mean).toBe(5);
    expect(ci.sd).toBeCloseTo(Math.sqrt(32 / 7), 14);
    expect(ci.halfWidth).toBeCloseTo(hw, 5);
    expect(ci.halfWidth).toBeCloseTo(1.78749, 5);
    expect(ci.lo).toBeCloseTo(5 - hw, 5);
    expect(ci.hi).toBeCloseTo(5 + hw, 5);
    expect(tConfidenceInterval([2, 4, 4, 4, 5, 5, 7, 9], 0.9).halfWidth).toBeLessThan(ci.halfWidth);
  });

  it('is undefined below two observations', () => {
    const one = tConfidenceInterval([3]);
    expect(one.mean).toBe(3);
    expect(one.halfWidth).toBeNaN();
    expect(tConfidenceInterval([]).mean).toBeNaN();
    expect(() => tConfidenceInterval([1, 2], 1)).toThrow(RangeError);
  });
});
