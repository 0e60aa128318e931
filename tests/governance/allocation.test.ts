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
    // Ring weights are R - r and r + 1 per resident: the two orders are mirror images.
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
});
