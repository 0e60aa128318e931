import { describe, expect, it } from 'vitest';
import { betaConvergence, halvingTime, ols, peak, studentTCdf, studentTQuantile, tConfidenceInterval, trendVerdict } from '../../src/metrics/convergence.ts';
import { gini, sigmaConvergence, theil } from '../../src/metrics/inequality.ts';

/**
 * Edges of the metric functions that the suites of each module leave open: the words of every
 * refusal, values exactly at a rule's boundary, and inputs where a fit or a ratio is undefined.
 * Each expected value is worked out by hand in the comment beside it.
 */

describe('ols and beta convergence at their edges', () => {
  it('refuse lists of different lengths, naming both', () => {
    expect(() => ols([1, 2], [1])).toThrow(new RangeError('x length 2 != y length 1'));
    expect(() => betaConvergence([1, 2], [1], 3)).toThrow(new RangeError('initial length 2 != final length 1'));
    expect(() => betaConvergence([1], [1], 0)).toThrow(new RangeError('years must be > 0, got 0'));
    expect(() => betaConvergence([1], [1], Infinity)).toThrow(new RangeError('years must be > 0, got Infinity'));
    expect(() => betaConvergence([1], [1], NaN)).toThrow(new RangeError('years must be > 0, got NaN'));
  });

  it('two points give a slope but no standard error, even when round-off leaves a residual', () => {
    // x = 0, 1; y = 0.1, 0.7: slope 0.6, and Syy − b·Sxy is 2.8e-17 in doubles, not 0.
    const fit = ols([0, 1], [0.1, 0.7]);
    expect(fit.slope).toBeCloseTo(0.6, 15);
    expect(fit.slopeSE).toBeNaN();
    // Three points: SE = sqrt(SSR/1/Sxx); y = 0, 2, 1 on x = 0, 1, 2: b = 0.5, SSR = 1.5, Sxx = 2.
    const three = ols([0, 1, 2], [0, 2, 1]);
    expect(three.slope).toBe(0.5);
    expect(three.slopeSE).toBeCloseTo(Math.sqrt(1.5 / 2), 15);
    expect(three.r2).toBeCloseTo(1 - 1.5 / 2, 15);
  });

  it('1 + βT = 0 exactly has no convergence speed and no half-life', () => {
    // ln y0 = 0, ln 4; growth (ln(1/1)/2, ln(1/4)/2) = (0, −ln 4 / 2): β = −1/2, T = 2, 1 + βT = 0.
    const r = betaConvergence([1, 4], [1, 1], 2);
    expect(r.beta).toBe(-0.5);
    expect(r.lambda).toBeNaN();
    expect(r.halfLife).toBeNull();
  });
});

describe('trend verdicts at the dead band', () => {
  it('a slope exactly at ± the threshold is stable; the threshold may be 0', () => {
    expect(trendVerdict([3, 2], { window: 2, threshold: 1 }).verdict).toBe('stable');
    expect(trendVerdict([2, 3], { window: 2, threshold: 1 }).verdict).toBe('stable');
    expect(trendVerdict([3, 1.5], { window: 2, threshold: 1 }).verdict).toBe('converging');
    expect(trendVerdict([2, 2], { window: 2, threshold: 0 }).verdict).toBe('stable');
    expect(trendVerdict([2, 2.5], { window: 2, threshold: 0 }).verdict).toBe('diverging');
  });

  it('refuse a bad window or threshold with the value given', () => {
    expect(() => trendVerdict([1, 2], { window: 1, threshold: 0 })).toThrow(new RangeError('window must be an integer >= 2, got 1'));
    expect(() => trendVerdict([1, 2], { window: 2.5, threshold: 0 })).toThrow(new RangeError('window must be an integer >= 2, got 2.5'));
    expect(() => trendVerdict([1, 2], { window: 2, threshold: -0.1 })).toThrow(new RangeError('threshold must be >= 0, got -0.1'));
    expect(() => trendVerdict([1, 2], { window: 2, threshold: NaN })).toThrow(new RangeError('threshold must be >= 0, got NaN'));
  });
});

describe('halving time and peak at their edges', () => {
  it('a gap that reaches exactly 0 has halved; an infinite or zero start never halves', () => {
    expect(halvingTime([2, 1.5, 0])).toBe(2);
    expect(halvingTime([-2, -1])).toBe(1);
    expect(halvingTime([Infinity, 5, 0])).toBeNull();
    expect(halvingTime([-Infinity, -5])).toBeNull();
    expect(halvingTime([0, 0, 0])).toBeNull();
    expect(halvingTime([NaN, 0])).toBeNull();
    expect(halvingTime([])).toBeNull();
  });

  it('tick labels must match the series, named in the refusal', () => {
    expect(() => halvingTime([2, 1], [0])).toThrow(new RangeError('ticks length 1 != series length 2'));
    expect(() => peak([2, 1, 3], [5, 6])).toThrow(new RangeError('ticks length 2 != series length 3'));
    expect(halvingTime([2, 1], [10, 20])).toBe(20);
    expect(peak([2, 1], [10, 20])).toEqual({ value: 2, tick: 10 });
  });

  it('the peak at the first tick stays the peak when the series falls after it', () => {
    expect(peak([3, 1, 2])).toEqual({ value: 3, tick: 0 });
    expect(peak([NaN, 3, 1])).toEqual({ value: 3, tick: 1 });
  });
});

describe('gini and theil refusals and zero totals', () => {
  it('name a weights list of the wrong length, and the first bad weight', () => {
    expect(() => gini([1, 2], [1])).toThrow(new RangeError('weights length 1 != values length 2'));
    expect(() => gini([1, 2, 3], [1, 1])).toThrow(new RangeError('weights length 2 != values length 3'));
    expect(() => gini([1, 2], [1, -1])).toThrow(new RangeError('weight at index 1 must be finite and >= 0, got -1'));
    expect(() => gini([1, 2], [Infinity, 1])).toThrow(new RangeError('weight at index 0 must be finite and >= 0, got Infinity'));
  });

  it('a weighted Gini with people but no income is 0, not 0/0', () => {
    expect(gini([0, 0], [1, 2])).toBe(0);
    expect(gini([0, 0, 0], [0, 0, 0])).toBe(0);
  });

  it('theil names each bad input', () => {
    expect(() => theil([1, 2], [0], 1)).toThrow(new RangeError('groups length 1 != values length 2'));
    expect(() => theil([1], [0], 1.5)).toThrow(new RangeError('groupCount must be a non-negative integer, got 1.5'));
    expect(() => theil([1], [0], -1)).toThrow(new RangeError('groupCount must be a non-negative integer, got -1'));
    expect(() => theil([1, 2], [0, 2], 2)).toThrow(new RangeError('group id at index 1 must be an integer in [0, 2), got 2'));
    expect(() => theil([1, 2], [0.5, 0], 2)).toThrow(new RangeError('group id at index 0 must be an integer in [0, 2), got 0.5'));
    expect(() => theil([1, 2], [-1, 0], 2)).toThrow(new RangeError('group id at index 0 must be an integer in [0, 2), got -1'));
    expect(() => theil([1, -2], [0, 0], 1)).toThrow(new RangeError('Theil needs finite non-negative values; index 1 is -2'));
    expect(() => theil([Infinity], [0], 1)).toThrow(new RangeError('Theil needs finite non-negative values; index 0 is Infinity'));
    expect(() => theil([1], [0], 1, [2, 3])).toThrow(new RangeError('weights length 2 != values length 1'));
  });

  it('the coefficient of variation is undefined around a mean of 0', () => {
    expect(sigmaConvergence([1, -1]).cv).toBeNaN();
    expect(sigmaConvergence([1, 3]).cv).toBe(0.5);
  });

  it('a unit of weight 0 counts for nothing, also alone in its group', () => {
    // Group 1 holds only a unit of weight 0: no income, T_1 = 0; the rest is the Theil of [1] alone, 0.
    const r = theil([1, 2], [0, 1], 2, [1, 0]);
    expect([r.total, r.between, r.within]).toEqual([0, 0, 0]);
    expect([...r.groupTheil]).toEqual([0, 0]);
    expect([...r.groupShares]).toEqual([1, 0]);
  });
});

describe('student t refusals', () => {
  it('degrees of freedom above 0, probabilities and levels strictly between 0 and 1', () => {
    for (const df of [0, -1, NaN]) {
      expect(() => studentTCdf(1, df)).toThrow(new RangeError(`df must be > 0, got ${df}`));
      expect(() => studentTQuantile(0.9, df)).toThrow(new RangeError(`df must be > 0, got ${df}`));
    }
    for (const p of [0, 1, -0.5, 1.5, NaN]) expect(() => studentTQuantile(p, 3)).toThrow(new RangeError(`p must be in (0, 1), got ${p}`));
    for (const level of [0, 1, 2, NaN]) expect(() => tConfidenceInterval([1, 2, 3], level)).toThrow(new RangeError(`level must be in (0, 1), got ${level}`));
    // Just inside the bounds all three answer: t(p, df = 1) = tan(π (p − ½)) (the Cauchy distribution).
    expect(studentTCdf(1, 1e-300)).toBeGreaterThan(0.5);
    expect(studentTQuantile(0.75, 1)).toBeCloseTo(Math.tan(Math.PI / 4), 10);
    // The median is 0 exactly, not the end of a bisection.
    expect(studentTQuantile(0.5, 3)).toBe(0);
    expect(studentTQuantile(1e-9, 1)).toBeLessThan(0);
    expect(studentTQuantile(1 - 1e-9, 1)).toBeGreaterThan(0);
    // [1, 3] at 50%: t(0.75, 1) = 1 times sd √2 over √2.
    expect(tConfidenceInterval([1, 3], 0.5).halfWidth).toBeCloseTo(1, 10);
  });
});

describe('student t at fractional degrees of freedom', () => {
  it('P(T ≤ 1) with df = 0.5 matches a numerical integral of the density', () => {
    // f(t) = Γ(3/4) / (√(π/2) Γ(1/4)) (1 + 2t²)^(−3/4); Γ(1/4) and Γ(3/4) from tables.
    const c = 1.2254167024651776 / (Math.sqrt(Math.PI / 2) * 3.6256099082219083);
    const f = (t: number) => c * (1 + 2 * t * t) ** -0.75;
    // Simpson's rule on [0, 1] with 2,000 intervals: error far below 1e-9 for this smooth density.
    const m = 2000;
    let sum = f(0) + f(1);
    for (let k = 1; k < m; k++) sum += (k % 2 ? 4 : 2) * f(k / m);
    const integral = sum / (3 * m);
    expect(studentTCdf(1, 0.5)).toBeCloseTo(0.5 + integral, 9);
    expect(studentTCdf(-1, 0.5)).toBeCloseTo(0.5 - integral, 9);
  });
});
