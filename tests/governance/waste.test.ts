import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareCells, type ComparedScenario } from '../../src/experiments/compare.ts';
import { readComparison } from '../../src/experiments/reading.ts';
import { WASTE_WARNING_SHARE } from '../../src/metrics/summary.ts';
import { runScenario } from '../../src/run/runScenario.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { scenarioSchema } from '../../src/scenario/schema.ts';

const N = 2000;
const TICKS = 6;

/** A small world where nobody moves (constant populations), with one training programme. */
function training(budget: number, fiscal: { mode: 'fixed' | 'share'; value: number }) {
  return scenarioSchema.parse({
    name: `training-${budget}-${fiscal.mode}`,
    ticks: TICKS,
    world: { residents: N },
    talent: { moveProbability: 0 },
    fiscal,
    interventions: [{ lever: 'talent', instrument: 'training', allocation: 'uniform', budget }],
  });
}

describe('spending that buys nothing is recorded, per lever and ring, and warned about', () => {
  it('training beyond the cost of closing the whole skill gap is waste: exactly budget − N·cost a tick', () => {
    // trainingCost 1 per resident: with 10,000 a tick spread uniformly per resident, every place
    // gets 5 per resident, 4 of which buy nothing. Populations are constant (no migration).
    const { summary } = runScenario(training(10_000, { mode: 'fixed', value: 10_000 }));
    expect(summary.spending.talent).toBeCloseTo(TICKS * 10_000, 6);
    expect(summary.waste.byLever.talent).toBeCloseTo(TICKS * (10_000 - N), 6);
    expect(summary.waste.byLever.policy).toBe(0);
    // Per ring: each ring's waste is its residents' share of the excess.
    const rings = summary.waste.byLeverRing.talent;
    expect(rings.reduce((a, b) => a + b, 0)).toBeCloseTo(summary.waste.byLever.talent, 6);
    expect(rings[0]).toBeCloseTo(TICKS * 0.3 * (10_000 - N), 6); // the core holds 30% of residents
    expect(rings[1]).toBeCloseTo(TICKS * 0.2 * (10_000 - N), 6); // the suburbs 20%
    expect(summary.waste.share).toBeCloseTo(0.8, 9);
    expect(summary.waste.warning).toBe(true);
  });

  it('control: a budget below the saturation cost wastes nothing and raises no warning', () => {
    const { summary } = runScenario(training(1500, { mode: 'fixed', value: 1500 }));
    expect(summary.spending.talent).toBeCloseTo(TICKS * 1500, 6);
    expect(summary.waste.total).toBe(0);
    expect(summary.waste.warning).toBe(false);
    expect(WASTE_WARNING_SHARE).toBe(0.1);
  });

  it('broadband cannot build beyond the frontier: a village already at it wastes all of its share', () => {
    const s = loadScenario(join('scenarios', 'baseline.yaml'), {
      set: ['world.residents=2000', 'ticks=3', 'talent.moveProbability=0', 'fiscal.mode=fixed', 'fiscal.value=1000000', 'world.rings.3.tech=2'],
    });
    const run = runScenario({ ...s, interventions: [scenarioSchema.shape.interventions.parse([{ lever: 'policy', instrument: 'broadband', target: { rings: [3] }, budget: 1_000_000 }])[0]] });
    // Villages start at twice the frontier: no broadband can be built there, all of it is waste.
    expect(run.summary.waste.byLeverRing.policy[3]).toBeCloseTo(run.summary.spending.policy, 6);
    expect(run.summary.waste.share).toBeCloseTo(1, 9);
  });
});

describe('a budget the fiscal rule caps says so in the summary, an event and the reading', () => {
  it('asking for 1,000 or 4,000 a tick from a share-of-output budget gives the same run, and both are flagged', () => {
    const share = { mode: 'share' as const, value: 0.02 };
    const small = runScenario(training(1000, share)).summary;
    const large = runScenario(training(4000, share)).summary;
    // The cap binds in both: identical spending and results.
    expect(small.spending.talent).toBeCloseTo(large.spending.talent, 9);
    expect(small.final.dpd).toBe(large.final.dpd);
    for (const [s, asked] of [
      [small, 1000],
      [large, 4000],
    ] as const) {
      expect(s.budget.capped).toBe(true);
      expect(s.budget.cappedTicks).toBe(TICKS);
      expect(s.events.overspend).toBe(TICKS);
      expect(s.budget.requested).toBeCloseTo(TICKS * asked, 6);
      expect(s.budget.cut).toBeCloseTo(TICKS * asked - s.spending.talent, 6);
    }
    // Control: a fixed budget above the request is not capped.
    const free = runScenario(training(1000, { mode: 'fixed', value: 5000 })).summary;
    expect(free.budget.capped).toBe(false);
    expect(free.budget.cut).toBe(0);
    expect(free.events.overspend).toBe(0);
  });

  it('the comparison reading warns about the cap and the waste, and only where they happened', () => {
    const runs = [training(1000, { mode: 'fixed', value: 5000 }), training(4000, { mode: 'share', value: 0.02 }), training(10_000, { mode: 'fixed', value: 10_000 })];
    const results: ComparedScenario[] = runs.map((scenario) => ({ scenario, summaries: [runScenario(scenario).summary], dirs: [''] }));
    const text = readComparison(results, compareCells(results));
    expect(text).toContain('Warning: in training-4000-share the fiscal rule capped the budget in 1/1 seeds');
    expect(text).toContain('Warning: in training-10000-fixed, 80% of the spending bought nothing');
    expect(text).not.toContain('in training-1000-fixed');
  });
});
