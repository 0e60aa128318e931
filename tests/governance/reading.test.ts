import { describe, expect, it } from 'vitest';
import type { CompareCell, ComparedScenario } from '../../src/experiments/compare.ts';
import { readComparison } from '../../src/experiments/reading.ts';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { scenarioSchema } from '../../src/scenario/schema.ts';

/** A scenario with one seed whose summary holds only what the reading reads; `cells` sets the metrics' means. */
function scenario(name: string, governed: boolean, verdict: string, qualifiers: string[] = []): ComparedScenario {
  const s = scenarioSchema.parse({
    name,
    interventions: governed ? [{ lever: 'policy', instrument: 'broadband', budget: 100 }] : [],
  });
  const summary = {
    ticks: 30,
    verdict,
    recent: verdict === 'widened' ? 'widening' : 'narrowing',
    gap: { gapInitial: 1.07, qualifiers: qualifiers.map((id) => ({ id, rule: '', values: {} })) },
    waste: { share: 0 },
    budget: { capped: false, cut: 0, requested: 0 },
  } as unknown as RunSummary;
  return { scenario: s, summaries: [summary], dirs: [''] };
}

function cells(values: Record<string, Record<string, number>>): CompareCell[] {
  return Object.entries(values).flatMap(([scenario, metrics]) =>
    Object.entries(metrics).map(([metric, mean]) => ({ scenario, metric, seeds: 3, mean, sd: 0, lo: mean, hi: mean, diffMean: mean - values.none[metric], diffSd: 0.01, diffLo: mean - values.none[metric] - 0.02, diffHi: mean - values.none[metric] + 0.02 })),
  );
}

const base = { gap_final: 3.46, spending_total: 0, 'final.income_pc': 6.0, 'final.output_pc': 9.3, 'final.gini': 0.43, 'final.theil': 0.33 };

describe('the comparison reading', () => {
  it('says plainly when the order with the smaller gap loses on efficiency and inequality', () => {
    const results = [scenario('none', false, 'widened', ['hollowing']), scenario('core', true, 'widened'), scenario('periphery', true, 'widened')];
    const text = readComparison(
      results,
      cells({
        none: base,
        core: { ...base, gap_final: 3.07, spending_total: 60_000, 'final.income_pc': 6.3, 'final.output_pc': 9.6, 'final.gini': 0.42, 'final.theil': 0.32 },
        periphery: { ...base, gap_final: 2.57, spending_total: 60_000, 'final.income_pc': 6.1, 'final.output_pc': 9.4, 'final.gini': 0.44, 'final.theil': 0.34 },
      }),
    );
    expect(text).toContain('Without governance (none) the urban-rural gap |DPD| goes from 1.07 to 3.46 over 30 years (widened 1/1 of the seeds; lately widening 1/1; qualifiers: hollowing in 1/1 seeds)');
    expect(text).toContain('periphery leaves the smallest gap, 0.50 below core.');
    expect(text).toContain('But core gives higher mean income (6.300 against 6.100, +3%), more output per resident (9.600 against 9.400, +2%), a lower Gini (0.420 against 0.440, −5%) and a lower Theil (0.320 against 0.340, −6%): the orders trade');
    expect(text).not.toMatch(/clos/);
  });

  it('says there is no trade-off when the smallest gap also has the most income and the least inequality', () => {
    const results = [scenario('none', false, 'widened'), scenario('core', true, 'widened'), scenario('periphery', true, 'narrowed')];
    const text = readComparison(
      results,
      cells({
        none: base,
        core: { ...base, gap_final: 3.07, spending_total: 60_000, 'final.income_pc': 6.1 },
        periphery: { ...base, gap_final: 0.9, spending_total: 60_000, 'final.income_pc': 6.2, 'final.gini': 0.4, 'final.theil': 0.3 },
      }),
    );
    expect(text).toContain('periphery is also ahead on mean income, output, Gini and Theil: here the orders do not trade off.');
  });
});
