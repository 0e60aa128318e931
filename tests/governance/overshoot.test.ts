import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/runScenario.ts';
import { loadScenario } from '../../src/scenario/load.ts';

/**
 * A real sign reversal: periphery-first spending on the rural places only, with technology
 * spilling over at full strength, pushes the rural side ahead (the audit's periphery-first
 * overshoot). The verdict must say so.
 */
function run(budgetPerTick: number) {
  const s = loadScenario(join('scenarios', 'allocation-periphery-first.yaml'), {
    set: ['world.residents=4000', `fiscal.value=${budgetPerTick}`, 'technology.spillover=1', 'technology.spilloverDecay=1000'],
  });
  const interventions = s.interventions.map((iv) => ({ ...iv, budget: budgetPerTick / 5, target: { class: 'rural' as const } }));
  return runScenario({ ...s, interventions }).summary;
}

describe('a gap that changes sign', () => {
  it('raises the overshoot qualifier when rural-only periphery-first spending puts the rural side ahead', () => {
    const s = run(20_000);
    expect(s.dpd.initial).toBeGreaterThan(1);
    expect(s.dpd.final).toBeLessThan(-0.02);
    expect(s.gap.leader).toBe('rural');
    expect(s.gap.qualifiers.map((q) => q.id)).toContain('overshoot');
    expect(s.qualifierSentences).toContain('Caution: the gap changed sign; the rural side is now ahead.');
  });

  it('control: a quarter of that budget closes the gap without crossing zero', () => {
    const s = run(5000);
    expect(s.dpd.final).toBeGreaterThanOrEqual(-0.02);
    expect(s.gap.qualifiers.map((q) => q.id)).not.toContain('overshoot');
  });
});
