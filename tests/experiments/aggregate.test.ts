import { describe, expect, it } from 'vitest';
import { pointStats } from '../../src/experiments/aggregate.ts';

describe('per-point statistics', () => {
  it('give the t-based 95% interval of a known sample', () => {
    // x = 1..5: mean 3, sd = sqrt(2.5); t(0.975, 4) = 2.7764451051977987 (tables: 2.776);
    // half-width = 2.7764451 · 1.5811388 / √5 = 1.9632432.
    const s = pointStats([1, 2, 3, 4, 5]);
    expect(s.n).toBe(5);
    expect(s.mean).toBe(3);
    expect(s.sd).toBeCloseTo(Math.sqrt(2.5), 14);
    expect(s.lo).toBeCloseTo(3 - 1.9632432, 6);
    expect(s.hi).toBeCloseTo(3 + 1.9632432, 6);
  });

  it('match a textbook case: n = 10, mean 5.1, sd 1.2 → 5.1 ± 2.262·1.2/√10', () => {
    const xs = [3.9, 6.3, 5.1, 4.2, 6.0, 5.0, 4.1, 7.0, 3.8, 5.6];
    const mean = xs.reduce((a, b) => a + b) / 10;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / 9);
    const s = pointStats(xs);
    expect(s.hi - s.mean).toBeCloseTo((2.2621571627982 * sd) / Math.sqrt(10), 9);
  });

  it('leave out missing values and report NA (NaN) where the interval is undefined', () => {
    const s = pointStats([2, null, 4, NaN]);
    expect(s.n).toBe(2);
    expect(s.mean).toBe(3);
    expect(s.hi - s.mean).toBeCloseTo((12.706204736174698 * Math.SQRT2) / Math.SQRT2, 9);
    expect(pointStats([7])).toMatchObject({ n: 1, mean: 7 });
    expect(Number.isNaN(pointStats([7]).lo)).toBe(true);
    expect(pointStats([null]).n).toBe(0);
    expect(Number.isNaN(pointStats([]).mean)).toBe(true);
  });
});
