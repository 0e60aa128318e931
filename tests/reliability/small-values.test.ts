import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { smallScenario } from './helpers.ts';

/**
 * The random scenarios of the property tests reach small parameter values. A uniform draw over
 * 0..1000 gives a value below 1 once in a thousand; the properties need those values, where
 * divisions, logarithms and powers are most fragile, many times per run.
 */
describe('random scenarios of the property tests', () => {
  it('often set a parameter below a thousandth of its range, and sometimes exactly at its minimum', () => {
    const samples = fc.sample(smallScenario, { numRuns: 200, seed: 7 });
    let tiny = 0;
    let atMin = 0;
    for (const s of samples) {
      // capital.capitalPerJob: 0.01..1000; technology.spilloverDecay: 0.01..1000; policy.trainingCost: 0.001..1e6.
      const values = [s.capital.capitalPerJob / 1000, s.technology.spilloverDecay / 1000, s.policy.trainingCost / 1e6];
      tiny += values.filter((v) => v < 1e-3).length;
      if (s.capital.capitalPerJob === 0.01 || s.policy.trainingCost === 0.001) atMin++;
    }
    // Log-uniform down to 1e-9 of the top puts 2/3 of its draws below 1e-3; it is one of four branches.
    expect(tiny / (3 * samples.length)).toBeGreaterThan(0.1);
    expect(atMin).toBeGreaterThan(5);
  });
});
