import { describe, expect, it } from 'vitest';
import { compareCells, formatComparison, verdictCounts, type ComparedScenario } from '../../src/experiments/compare.ts';
import { readComparison } from '../../src/experiments/reading.ts';
import type { RunSummary } from '../../src/metrics/summary.ts';
import type { Scenario } from '../../src/scenario/schema.ts';

/**
 * The plain-language reading and the table of a comparison, from summaries written by hand, so
 * every branch of the wording is reached with numbers whose reading is known: which scenario
 * ends lowest, by how much, whether the paired interval clears zero, whether budgets are equal.
 */

/** A run summary with only what comparisons read; the rest is zero. */
function summary(seed: number, dpdInitial: number, dpdFinal: number, verdict: RunSummary['verdict'], spend: number): RunSummary {
  return {
    scenario: 's',
    seed,
    ticks: 30,
    final: { gini: 0.3 },
    ruralShare: 0.5,
    dpd: { initial: dpdInitial, final: dpdFinal, change: dpdFinal - dpdInitial, peak: dpdInitial, peakTick: 0, halvingTick: null },
    trend: { slope: 0, slopeSE: 0, window: 10, n: 10, threshold: 0.002, verdict, rule: '' },
    beta: { beta: -0.01, se: 0.001, n: 5, r2: 0.5, lambda: 0.01, halfLife: 69 },
    verdict,
    spending: { policy: spend },
    events: { tipping: 0, overspend: 0 },
  };
}

function scenario(name: string, title = ''): ComparedScenario['scenario'] {
  return { name, title } as Scenario;
}

function compared(name: string, finals: number[], verdicts: RunSummary['verdict'][], spend: number, title = ''): ComparedScenario {
  return { scenario: scenario(name, title), summaries: finals.map((f, k) => summary(k + 1, 1 + k * 0.1, f, verdicts[k], spend)), dirs: finals.map((_, k) => `d${k}`) };
}

describe('the reading of a comparison', () => {
  const reference = compared('none', [1.5, 1.6, 1.7], ['diverging', 'diverging', 'stable'], 0);

  it('names the lower programme, the gap to the runner-up, equal budgets, and which differences clear seed noise', () => {
    // a: clearly lower than the reference on every seed; b: as high, with noise around it.
    const a = compared('a', [1.0, 1.1, 1.2], ['converging', 'converging', 'converging'], 900, 'Programme A');
    const b = compared('b', [1.6, 1.5, 1.8], ['stable', 'diverging', 'stable'], 900);
    const results = [reference, a, b];
    const text = readComparison(results, compareCells(results));
    expect(text).toContain('Without governance (none) the digital potential difference goes from 1.10 to 1.60 over 30 years, and its recent trend is diverging 2/3, stable 1/3 of the seeds.');
    expect(text).toContain('Programme A, spending 900 in all, ends at 1.10 (lower by 0.50; trend converging 3/3).');
    expect(text).toContain('b, spending 900 in all, ends at 1.63 (higher by 0.03, within seed noise; trend stable 2/3, diverging 1/3).');
    expect(text).toContain('At equal total budget (the ledger shows the same spending for each), a leaves the smallest gap, 0.53 below b.');
  });

  it('says so when the budgets differ', () => {
    const a = compared('a', [1.0, 1.1, 1.2], ['converging', 'converging', 'converging'], 900);
    const b = compared('b', [0.9, 1.0, 1.0], ['converging', 'converging', 'converging'], 1500);
    const results = [reference, a, b];
    const text = readComparison(results, compareCells(results));
    expect(text).toContain('spending 1,500 in all');
    expect(text).toContain('Note that the budgets differ; b leaves the smallest gap, 0.13 below a.');
  });

  it('a single alternative gets no ranking', () => {
    const a = compared('a', [1.0, 1.1, 1.2], ['converging', 'converging', 'converging'], 900);
    const text = readComparison([reference, a], compareCells([reference, a]));
    expect(text).not.toMatch(/smallest gap/);
  });

  it('verdict counts put the most frequent first', () => {
    expect(verdictCounts(compared('x', [1, 1, 1, 1], ['stable', 'converging', 'converging', 'diverging'], 0))).toBe('converging 2/4, stable 1/4, diverging 1/4');
  });
});

describe('the table of a comparison', () => {
  it('shows the reference as mean ± sd and the others as signed paired differences, big numbers without decimals, cells apart', () => {
    const reference = compared('none', [1.5, 1.6, 1.7], ['diverging', 'diverging', 'stable'], 0);
    const a = compared('a', [1.0, 1.1, 1.2], ['converging', 'converging', 'converging'], 2500);
    const table = formatComparison([reference, a], compareCells([reference, a], ['dpd_final', 'spending_total']), ['dpd_final', 'spending_total']);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^metric\s+none\s+a$/);
    expect(lines[1]).toMatch(/^verdict\s+diverging 2\/3\s+converging 3\/3$/);
    expect(lines[2]).toMatch(/^dpd_final\s+1\.60±0\.100\s+-0\.500±0\.00$/);
    expect(lines[3]).toMatch(/^spending_total\s+0\.00±0\.00\s+\+2500±0\.00$/);
    expect(lines[4]).toBe('(first column: mean ± sd over 3 seed(s); others: paired difference to none)');
  });

  it('a difference of exactly 0 is shown as +0, and 1000 without decimals', () => {
    const reference = compared('none', [1.5, 1.6, 1.7], ['stable', 'stable', 'stable'], 1000);
    const same = compared('same', [1.5, 1.6, 1.7], ['stable', 'stable', 'stable'], 2000);
    const table = formatComparison([reference, same], compareCells([reference, same], ['dpd_final', 'spending_total']), ['dpd_final', 'spending_total']);
    const lines = table.split('\n');
    expect(lines[2]).toMatch(/^dpd_final\s+1\.60±0\.100\s+\+0\.00±0\.00$/);
    expect(lines[3]).toMatch(/^spending_total\s+1000±0\.00\s+\+1000±0\.00$/);
  });

  it('one seed: no spread is shown', () => {
    const reference = compared('none', [1.5], ['stable'], 0);
    const a = compared('a', [1.25], ['converging'], 10);
    const table = formatComparison([reference, a], compareCells([reference, a], ['dpd_final']), ['dpd_final']);
    expect(table.split('\n')[2]).toMatch(/^dpd_final\s+1\.50\s+-0\.250$/);
    expect(table).toContain('(first column: mean over 1 seed(s)');
  });
});
