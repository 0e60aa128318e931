import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initializeWorld } from '../../src/model/initialize.ts';
import { tick } from '../../src/model/tick.ts';
import { runScenario } from '../../src/run/runScenario.ts';
import { loadScenario } from '../../src/scenario/load.ts';

const scenario = (name: string) => loadScenario(join('scenarios', `${name}.yaml`));

// Pinned verdicts of stock scenarios at their own size and seed 1: the model must be able to
// show both regimes. If a model change flips one, that is a finding to look at, not to tune away.
describe('both regimes appear in stock scenarios', () => {
  it('backwash: laissez-faire with strong agglomeration widens the gap, and villages hollow out', () => {
    const { summary } = runScenario(scenario('laissez-faire-agglomeration'));
    expect(summary.verdict).toBe('widened');
    expect(summary.recent).toBe('widening');
    expect(summary.dpd.final).toBeGreaterThan(summary.dpd.initial * 2);
    expect(summary.gap.qualifiers.map((q) => q.id)).toEqual(['hollowing']);
    expect(summary.sentence).not.toMatch(/narrow|clos/);
  });

  // Villages trade people among themselves under the choice over all places (docs/ODD.md 7.3):
  // 66 of 144 end below half their start at seed 1, so hollowing is raised honestly. The gap
  // did not close by emptying them: weighted by the start populations it also fell by half.
  it('spread: congestion with easy spillovers narrows the gap, also weighted by the start populations', () => {
    const { summary } = runScenario(scenario('spread-congestion'));
    expect(summary.verdict).toBe('narrowed');
    expect(summary.recent).toBe('narrowing');
    expect(summary.gap.qualifiers.map((q) => q.id)).toEqual(['hollowing']);
    expect(summary.population.dpdStartWeightedFinal).toBeLessThan(summary.dpd.initial / 2);
    expect(summary.dpd.final).toBeLessThan(summary.dpd.initial / 2);
    expect(summary.dpd.halvingTick).not.toBeNull();
  });
});

// The digital run (docs/ODD.md 7.4) at seed 1: with a strong run every village is hollowed out
// (below 20% of its people) and none comes back; with the baseline's weak run the same pull
// shrinks the villages (to 34% of their people in all) but hollows none. Measured: digital-run
// keeps 3% of the village ring's people, no recovery event.
describe('the digital run hollows villages only when it is strong', () => {
  function villages(name: string) {
    const s = scenario(name);
    const world = initializeWorld(s, s.seed);
    let recoveries = 0;
    for (let t = 1; t <= s.ticks; t++) {
      tick(world);
      recoveries += world.events.filter((e) => e.type === 'recovery' && world.places.ring[e.place as number] === 3).length;
      world.events.length = 0;
    }
    const pl = world.places;
    let hollowed = 0;
    for (let p = 0; p < pl.count; p++) if (pl.ring[p] === 3 && pl.population[p] < 0.2 * pl.reference[p]) hollowed++;
    return { hollowed, recoveries };
  }

  it('digital-run: all 120 villages are hollowed out and none recovers', () => {
    expect(villages('digital-run')).toEqual({ hollowed: 120, recoveries: 0 });
  });

  it('baseline: no village is hollowed out', () => {
    expect(villages('baseline').hollowed).toBe(0);
  });
});
