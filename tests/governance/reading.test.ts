import { describe, expect, it } from 'vitest';
import { compareCells, type ComparedScenario } from '../../src/experiments/compare.ts';
import { readComparison } from '../../src/experiments/reading.ts';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { scenarioSchema } from '../../src/scenario/schema.ts';

/** One seed of a scenario whose summary holds what the reading reads: the gap, its verdict and the efficiency and inequality finals. */
function scenario(name: string, verdict: string, gapFinal: number, finals: { income_pc: number; output_pc: number; gini: number; theil: number }, qualifiers: string[] = []): ComparedScenario {
  const s = scenarioSchema.parse({ name, title: name, interventions: [{ lever: 'policy', instrument: 'broadband', budget: 100 }] });
  const summary = {
    seed: 1,
    ticks: 30,
    verdict,
    recent: verdict === 'widened' ? 'widening' : 'narrowing',
    dpd: { initial: 1.07, final: gapFinal },
    gap: { gapInitial: 1.07, gapFinal, gapChange: gapFinal - 1.07, qualifiers: qualifiers.map((id) => ({ id, rule: '', values: {} })) },
    final: finals,
    spending: { policy: 60_000 },
    waste: { share: 0 },
    budget: { capped: false, cut: 0, requested: 60_000 },
  } as unknown as RunSummary;
  return { scenario: s, summaries: [summary], dirs: [''] };
}

const read = (results: ComparedScenario[]) => readComparison(results, compareCells(results, ['gap_final', 'spending_total']));

describe('the comparison reading', () => {
  it('says plainly when the option with the smaller gap loses on efficiency and inequality', () => {
    const text = read([
      scenario('core', 'widened', 3.07, { income_pc: 6.3, output_pc: 9.6, gini: 0.42, theil: 0.32 }, ['hollowing']),
      scenario('periphery', 'widened', 2.57, { income_pc: 6.1, output_pc: 9.4, gini: 0.44, theil: 0.34 }),
    ]);
    expect(text).toContain('All 2 scenarios still leave a wider urban–rural gap than at the start, in every seed.');
    expect(text).toContain('In the reference, core, the urban–rural gap |DPD| goes from 1.07 to 3.07 over 30 years.');
    expect(text).toContain('At equal total budget, periphery leaves the smallest gap (2.57).');
    expect(text).toContain('But core gives higher mean income (6.3 against 6.1, +3.3%), more output per resident (9.6 against 9.4, +2.1%), a lower Gini (0.42 against 0.44, -4.5%), a lower Theil (0.32 against 0.34, -5.9%): the options trade');
    expect(text).toContain('core: lately widening 1/1; qualifiers raised: hollowing 1/1.');
    expect(text).not.toMatch(/clos/);
  });

  it('says there is no trade-off when the smallest gap also has the most income and the least inequality', () => {
    const text = read([
      scenario('core', 'widened', 3.07, { income_pc: 6.1, output_pc: 9.3, gini: 0.43, theil: 0.33 }),
      scenario('periphery', 'narrowed', 0.9, { income_pc: 6.2, output_pc: 9.3, gini: 0.4, theil: 0.3 }),
    ]);
    expect(text).toContain('periphery is ahead of the others, or within 1% of them, on mean income, output, Gini and Theil: here the options do not trade off.');
  });

  it('does not call a difference below 1% a trade-off (seed noise is of that order)', () => {
    const text = read([
      scenario('core', 'widened', 3.29, { income_pc: 6.59, output_pc: 10.1, gini: 0.4650, theil: 0.4 }),
      scenario('periphery', 'widened', 2.74, { income_pc: 6.58, output_pc: 10.08, gini: 0.4651, theil: 0.397 }),
    ]);
    expect(text).not.toContain('trade a smaller gap');
    expect(text).toContain('periphery is ahead of the others, or within 1% of them');
  });
});
