import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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

  it('spread: congestion with easy spillovers narrows the gap, with nothing to qualify', () => {
    const { summary } = runScenario(scenario('spread-congestion'));
    expect(summary.verdict).toBe('narrowed');
    expect(summary.recent).toBe('narrowing');
    expect(summary.gap.qualifiers).toEqual([]);
    expect(summary.dpd.final).toBeLessThan(summary.dpd.initial / 2);
    expect(summary.dpd.halvingTick).not.toBeNull();
  });
});
