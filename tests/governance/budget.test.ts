import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/runScenario.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { LEVERS } from '../../src/scenario/schema.ts';

const small = { set: ['world.residents=4000'] };

describe('comparisons are at equal total budget, and the ledger proves it', () => {
  const total = (name: string) => {
    const { summary } = runScenario(loadScenario(join('scenarios', `${name}.yaml`), small));
    return { total: Object.values(summary.spending).reduce((a, b) => a + b, 0), byLever: summary.spending };
  };

  it('forward, reverse and simultaneous programmes spend the same total, the same per lever', () => {
    const forward = total('programme-forward');
    const reverse = total('programme-reverse');
    const simultaneous = total('programme-simultaneous');
    expect(forward.total).toBeCloseTo(100_000, 6);
    for (const other of [reverse, simultaneous]) {
      expect(other.total).toBeCloseTo(forward.total, 6);
      for (const lever of LEVERS) expect(other.byLever[lever]).toBeCloseTo(forward.byLever[lever], 6);
    }
  });

  it('the four allocation rules spend the same total', () => {
    const totals = ['core-first', 'uniform', 'periphery-first', 'need-based'].map((a) => total(`allocation-${a}`).total);
    for (const t of totals) expect(t).toBeCloseTo(totals[0], 6);
    expect(totals[0]).toBeCloseTo(100_000, 6);
  });

  it('over-asking is scaled down pro rata to the budget, with an event saying so', () => {
    const s = loadScenario(join('scenarios', 'allocation-uniform.yaml'), { set: ['world.residents=2000', 'ticks=5', 'fiscal.value=1000'] });
    const { summary } = runScenario(s);
    // Five interventions ask 400 each (2,000) from a budget of 1,000 a tick: all of it, no more, is spent.
    expect(Object.values(summary.spending).reduce((a, b) => a + b, 0)).toBeCloseTo(5 * 1000, 6);
    expect(summary.events.overspend).toBe(5);
    for (const lever of LEVERS) expect(summary.spending[lever]).toBeCloseTo(1000, 6);
  });
});
