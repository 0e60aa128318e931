import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { gini, theil, sigmaConvergence } from '../../src/metrics/inequality.ts';

/** Repeat values[i] weights[i] times (integer weights), to check weighted = expanded. */
function expand(values: number[], weights: number[]): number[] {
  const out: number[] = [];
  values.forEach((v, i) => {
    for (let k = 0; k < weights[i]; k++) out.push(v);
  });
  return out;
}

const income = fc.double({ min: 1e-3, max: 1e6, noNaN: true, noDefaultInfinity: true });
// Population counts: zero or a realistic positive size (subnormal weights would be
// meaningless and lose all precision in w*x).
const population = fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 1e4, noNaN: true }));

describe('gini', () => {
  it('is 0 when everyone has the same amount', () => {
    expect(gini([3, 3, 3, 3])).toBe(0);
    expect(gini([2, 2, 2], [1, 5, 2])).toBe(0);
  });

  it('is (n-1)/n when one unit holds everything', () => {
    for (let n = 1; n <= 12; n++) {
      const x = new Array<number>(n).fill(0);
      x[n - 1] = 10;
      expect(gini(x)).toBeCloseTo((n - 1) / n, 15);
    }
  });

  it('matches the hand computation for [1,2,3,4,5] (= 4/15)', () => {
    // sorted x = 1..5, n = 5, sum = 15, coefficients (2i - n - 1) = -4,-2,0,2,4
    // numerator = -4*1 - 2*2 + 0*3 + 2*4 + 4*5 = -4 - 4 + 0 + 8 + 20 = 20
    // G = 20 / (5 * 15) = 4/15
    expect(gini([1, 2, 3, 4, 5])).toBeCloseTo(4 / 15, 15);
    expect(gini([4, 1, 5, 3, 2])).toBeCloseTo(4 / 15, 15); // order does not matter
  });

  it('weighted: values [1,3] with weights [2,1] = Gini of [1,1,3] = 4/15', () => {
    // expanded [1,1,3]: n = 3, sum = 5, coefficients -2,0,2 -> -2 + 0 + 6 = 4 -> 4/(3*5)
    // weighted: N = 3, cumulative P = 0,2,3; terms w*x*(P_{k-1}+P_k-N):
    //   2*1*(0+2-3) = -2 ; 1*3*(2+3-3) = 6 ; total 4 ; G = 4 / (3 * 5)
    expect(gini([1, 1, 3])).toBeCloseTo(4 / 15, 15);
    expect(gini([3, 1], [1, 2])).toBeCloseTo(4 / 15, 15);
  });

  it('returns 0 for empty input, zero total or zero population', () => {
    expect(gini([])).toBe(0);
    expect(gini([0, 0, 0])).toBe(0);
    expect(gini([1, 2], [0, 0])).toBe(0);
  });

  it('rejects mismatched or negative weights', () => {
    expect(() => gini([1, 2], [1])).toThrow(RangeError);
    expect(() => gini([1, 2], [1, -1])).toThrow(RangeError);
  });

  it('property: weighted Gini equals the unweighted Gini of the expanded data', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 1e4, noNaN: true }), fc.integer({ min: 0, max: 6 })), {
          minLength: 1,
          maxLength: 40,
        }),
        (pairs) => {
          const v = pairs.map((p) => p[0]);
          const w = pairs.map((p) => p[1]);
          expect(gini(v, w)).toBeCloseTo(gini(expand(v, w)), 12);
        },
      ),
    );
  });

  it('property: unit weights change nothing; result is scale invariant and within [0, (n-1)/n]', () => {
    fc.assert(
      fc.property(fc.array(income, { minLength: 1, maxLength: 50 }), fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (v, k) => {
        const g = gini(v);
        expect(gini(v, v.map(() => 1))).toBeCloseTo(g, 12);
        expect(gini(v.map((x) => x * k))).toBeCloseTo(g, 12);
        expect(g).toBeGreaterThanOrEqual(-1e-12);
        expect(g).toBeLessThanOrEqual((v.length - 1) / v.length + 1e-12);
      }),
    );
  });
});

describe('theil', () => {
  it('is 0 for equal incomes', () => {
    const r = theil([5, 5, 5, 5], [0, 1, 0, 1], 2);
    expect(r.total).toBeCloseTo(0, 15);
    expect(r.between).toBeCloseTo(0, 15);
    expect(r.within).toBeCloseTo(0, 15);
  });

  it('is ln n when one unit holds everything (zero incomes contribute 0)', () => {
    // x = [0,0,0,5]: mu = 5/4; only the holder contributes (1/4)*(5/mu)*ln(5/mu) = (1/4)*4*ln 4
    expect(theil([0, 0, 0, 5], [0, 0, 0, 0], 1).total).toBeCloseTo(Math.log(4), 14);
  });

  it('pure between-group inequality: [1,1 | 4,4]', () => {
    // mu = 10/4 = 2.5; group incomes 2 and 8 -> shares 0.2 and 0.8, means 1 and 4
    // between = 0.2*ln(1/2.5) + 0.8*ln(4/2.5); within = 0 (groups are internally equal)
    // total   = (1/4)*(2*(1/2.5)*ln 0.4 + 2*(4/2.5)*ln 1.6) = 0.2 ln 0.4 + 0.8 ln 1.6
    const r = theil([1, 1, 4, 4], [0, 0, 1, 1], 2);
    const expected = 0.2 * Math.log(0.4) + 0.8 * Math.log(1.6);
    expect(r.between).toBeCloseTo(expected, 14);
    expect(r.within).toBeCloseTo(0, 14);
    expect(r.total).toBeCloseTo(expected, 14);
    expect(Array.from(r.groupShares)).toEqual([0.2, 0.8]);
  });

  it('mixed example: [1,3 | 2,6]', () => {
    // mu = 12/4 = 3
    // total = (1/4)[(1/3)ln(1/3) + 1*ln 1 + (2/3)ln(2/3) + 2 ln 2]            ≈ 0.187445
    // group 0: income 4, share 1/3, mean 2, T_0 = (1/2)[(1/2)ln(1/2) + (3/2)ln(3/2)] ≈ 0.130812
    // group 1: income 8, share 2/3, mean 4, T_1 = T_0 (same shape, Theil is scale invariant)
    // between = (1/3)ln(2/3) + (2/3)ln(4/3) ≈ 0.056633 ; within = (1/3)T_0 + (2/3)T_1 = T_0
    const T0 = 0.5 * (0.5 * Math.log(0.5) + 1.5 * Math.log(1.5));
    const total = 0.25 * ((1 / 3) * Math.log(1 / 3) + (2 / 3) * Math.log(2 / 3) + 2 * Math.log(2));
    const r = theil([1, 3, 2, 6], [0, 0, 1, 1], 2);
    expect(r.total).toBeCloseTo(total, 14);
    expect(r.total).toBeCloseTo(0.187445, 6);
    expect(r.between).toBeCloseTo((1 / 3) * Math.log(2 / 3) + (2 / 3) * Math.log(4 / 3), 14);
    expect(r.within).toBeCloseTo(T0, 14);
    expect(r.groupTheil[0]).toBeCloseTo(T0, 14);
    expect(r.groupTheil[1]).toBeCloseTo(T0, 14);
    expect(r.groupShares[0]).toBeCloseTo(1 / 3, 15);
  });

  it('weighted grouped data equals the expanded data', () => {
    // place means [1,3] with populations [2,1] are the individuals [1,1,3]
    const a = theil([1, 3], [0, 1], 2, [2, 1]);
    const b = theil([1, 1, 3], [0, 0, 1], 2);
    expect(a.total).toBeCloseTo(b.total, 14);
    expect(a.between).toBeCloseTo(b.between, 14);
    expect(a.within).toBeCloseTo(b.within, 14);
  });

  it('handles empty input, zero total and empty groups', () => {
    expect(theil([], [], 3).total).toBe(0);
    const z = theil([0, 0], [0, 1], 2);
    expect([z.total, z.between, z.within]).toEqual([0, 0, 0]);
    const e = theil([1, 3], [0, 0], 3); // groups 1 and 2 are empty
    expect(Array.from(e.groupShares)).toEqual([1, 0, 0]);
    expect(e.between).toBeCloseTo(0, 15);
    expect(e.within).toBeCloseTo(e.total, 15);
  });

  it('rejects negative incomes and bad group ids', () => {
    expect(() => theil([1, -1], [0, 0], 1)).toThrow(RangeError);
    expect(() => theil([1, 1], [0, 2], 2)).toThrow(RangeError);
    expect(() => theil([1, 1], [0, 0.5], 2)).toThrow(RangeError);
    expect(() => theil([1, 1], [0], 2)).toThrow(RangeError);
  });

  // Tolerance: 1e-9 relative to the total, plus 1e-12 absolute for totals that are
  // themselves round-off (e.g. all incomes equal, total ≈ 1e-16).
  const identityHolds = (r: { total: number; between: number; within: number }) =>
    Math.abs(r.between + r.within - r.total) <= 1e-9 * Math.abs(r.total) + 1e-12;

  const grouped = (withWeights: boolean, allowZero: boolean) =>
    fc.integer({ min: 1, max: 6 }).chain((G) =>
      fc.tuple(
        fc.constant(G),
        fc.array(
          fc.tuple(
            allowZero ? fc.oneof(fc.constant(0), income) : income,
            fc.integer({ min: 0, max: G - 1 }),
            withWeights ? population : fc.constant(1),
          ),
          { minLength: 1, maxLength: 60 },
        ),
      ),
    );

  for (const [label, withWeights, allowZero] of [
    ['positive incomes', false, false],
    ['positive incomes with population weights', true, false],
    ['incomes including zeros, weighted', true, true],
  ] as const) {
    it(`property: between + within = total (${label})`, () => {
      fc.assert(
        fc.property(grouped(withWeights, allowZero), ([G, rows]) => {
          const r = theil(
            rows.map((t) => t[0]),
            rows.map((t) => t[1]),
            G,
            withWeights ? rows.map((t) => t[2]) : undefined,
          );
          expect(identityHolds(r)).toBe(true);
          expect(r.total).toBeGreaterThanOrEqual(-1e-12);
          const shareSum = r.groupShares.reduce((a, b) => a + b, 0);
          if (r.total !== 0 || shareSum !== 0) expect(shareSum).toBeCloseTo(1, 12);
        }),
        { numRuns: 300 },
      );
    });
  }
});

describe('sigmaConvergence', () => {
  it('cv of [2,4,4,4,5,5,7,9] is 2/5', () => {
    // mean = 40/8 = 5; squared deviations 9,1,1,1,0,0,4,16 -> 32; population sd = sqrt(32/8) = 2
    expect(sigmaConvergence([2, 4, 4, 4, 5, 5, 7, 9]).cv).toBeCloseTo(0.4, 15);
  });

  it('[1, e^2]: sdLog = 1 and cv = tanh(1)', () => {
    // ln values 0 and 2 -> mean 1, population sd 1
    // mean = (1+e^2)/2, sd = (e^2-1)/2 -> cv = (e^2-1)/(e^2+1) = tanh(1)
    const r = sigmaConvergence([1, Math.exp(2)]);
    expect(r.sdLog).toBeCloseTo(1, 14);
    expect(r.cv).toBeCloseTo(Math.tanh(1), 14);
  });

  it('ignores non-positive values in the log part only', () => {
    expect(sigmaConvergence([0, -1, 1, Math.exp(2)]).sdLog).toBeCloseTo(1, 14);
  });

  it('weighted equals expanded: [2,4] with weights [3,1] = [2,2,2,4]', () => {
    // mean = 10/4 = 2.5; variance = (3*0.25 + 2.25)/4 = 0.75; cv = sqrt(0.75)/2.5
    const a = sigmaConvergence([2, 4], [3, 1]);
    const b = sigmaConvergence([2, 2, 2, 4]);
    expect(a.cv).toBeCloseTo(Math.sqrt(0.75) / 2.5, 15);
    expect(a.cv).toBeCloseTo(b.cv, 15);
    expect(a.sdLog).toBeCloseTo(b.sdLog, 15);
  });

  it('returns NaN where undefined', () => {
    const e = sigmaConvergence([]);
    expect(e.cv).toBeNaN();
    expect(e.sdLog).toBeNaN();
    expect(sigmaConvergence([0, 0]).cv).toBeNaN();
    expect(sigmaConvergence([0, -2]).sdLog).toBeNaN();
    expect(sigmaConvergence([0, -2, 2]).sdLog).toBe(0);
    expect(sigmaConvergence([3, 3]).cv).toBe(0);
  });
});
