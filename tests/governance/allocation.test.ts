import { describe, expect, it } from 'vitest';
import { initializeWorld } from '../../src/model/initialize.ts';
import { allocate } from '../../src/policy/allocation.ts';
import { scenarioSchema } from '../../src/scenario/schema.ts';

const world = initializeWorld(scenarioSchema.parse({ world: { residents: 20_000 } }), 1);
const pl = world.places;

/** Spending per resident on each ring under a rule. */
function perResidentByRing(rule: 'core-first' | 'uniform' | 'periphery-first' | 'need-based', lever: 'policy' | 'rights' = 'policy'): number[] {
  const w = new Float64Array(pl.count);
  allocate(world, rule, lever, () => true, w);
  const spend = [0, 0, 0, 0];
  const people = [0, 0, 0, 0];
  for (let p = 0; p < pl.count; p++) {
    spend[pl.ring[p]] += w[p];
    people[pl.ring[p]] += pl.population[p];
  }
  expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  return spend.map((s, r) => s / people[r]);
}

describe('allocation rules rank the rings as their names say', () => {
  it('core-first decreases outward, periphery-first increases outward, uniform is flat', () => {
    const core = perResidentByRing('core-first');
    const periphery = perResidentByRing('periphery-first');
    const uniform = perResidentByRing('uniform');
    for (let r = 1; r < 4; r++) {
      expect(core[r]).toBeLessThan(core[r - 1]);
      expect(periphery[r]).toBeGreaterThan(periphery[r - 1]);
      expect(uniform[r]).toBeCloseTo(uniform[0], 12);
    }
    // With all four rings targeted the ring weights are 4 − r and r + 1 per resident.
    expect(core[0] / core[3]).toBeCloseTo(4, 9);
    expect(periphery[3] / periphery[0]).toBeCloseTo(4, 9);
  });

  it('need-based spends by the lever stage gap: nothing on the leader, most on the furthest behind', () => {
    const need = perResidentByRing('need-based', 'policy');
    expect(need[0]).toBe(0); // the core leads on infrastructure
    expect(need[3]).toBeGreaterThan(need[2]);
    expect(need[2]).toBeGreaterThan(need[1]);
  });

  it('targets restrict spending to the targeted places', () => {
    const w = new Float64Array(pl.count);
    allocate(world, 'uniform', 'capital', (p) => pl.urban[p] === 0, w);
    for (let p = 0; p < pl.count; p++) if (pl.urban[p] === 1) expect(w[p]).toBe(0);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('core-first and periphery-first are mirror images on every subset of target rings', () => {
    const rings = 4;
    for (let mask = 1; mask < 1 << rings; mask++) {
      const chosen = [...Array(rings).keys()].filter((r) => mask & (1 << r));
      const perResident = (rule: 'core-first' | 'periphery-first') => {
        const w = new Float64Array(pl.count);
        allocate(world, rule, 'policy', (p) => chosen.includes(pl.ring[p]), w);
        const spend = new Array(rings).fill(0);
        const people = new Array(rings).fill(0);
        for (let p = 0; p < pl.count; p++) {
          spend[pl.ring[p]] += w[p];
          people[pl.ring[p]] += pl.population[p];
        }
        return chosen.map((r) => spend[r] / people[r]);
      };
      const core = perResident('core-first');
      const periphery = perResident('periphery-first');
      const n = chosen.length;
      // Reversing the rings' order reverses the weights: rank k gets n − k core-first and k + 1 periphery-first.
      for (let k = 0; k < n; k++) {
        expect(core[k] / core[n - 1], `rings ${chosen}, rank ${k}`).toBeCloseTo(n - k, 9);
        expect(periphery[n - 1 - k] / periphery[0], `rings ${chosen}, rank ${k}`).toBeCloseTo(n - k, 9);
        expect(core[k] / core[n - 1]).toBeCloseTo(periphery[n - 1 - k] / periphery[0], 9);
      }
    }
  });
});
