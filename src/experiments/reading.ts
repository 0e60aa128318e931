import { type ComparisonFacts, comparisonReading } from '../report/comparisonReading.ts';
import type { Lang } from '../i18n/terms.ts';
import type { CompareCell, ComparedScenario } from './compare.ts';

/** The facts of a comparison that its reading needs, from the live results and cells (differences to the reference `ref`). */
export function comparisonFacts(results: readonly ComparedScenario[], cells: readonly CompareCell[], ref = 0): ComparisonFacts {
  const get = (scenario: string, metric: string) => cells.find((c) => c.scenario === scenario && c.metric === metric) as CompareCell;
  const reference = results[ref].scenario.name;
  return {
    reference,
    ticks: results[ref].summaries[0].ticks,
    scenarios: results.map((r) => {
      const verdicts: Record<string, number> = {};
      for (const s of r.summaries) verdicts[s.verdict] = (verdicts[s.verdict] ?? 0) + 1;
      return {
        name: r.scenario.name,
        title: r.scenario.title,
        verdicts,
        seeds: r.summaries.length,
        dpdStart: r.summaries.reduce((a, s) => a + s.dpd.initial, 0) / r.summaries.length,
        dpdFinal: get(r.scenario.name, 'dpd_final').mean,
        spending: get(r.scenario.name, 'spending_total').mean,
      };
    }),
    diffs: results.map((r) => {
      const c = get(r.scenario.name, 'dpd_final');
      return { scenario: r.scenario.name, versus: reference, mean: c.diffMean, lo: c.diffLo, hi: c.diffHi };
    }),
  };
}

/**
 * A one-paragraph plain-language reading of a comparison against its reference scenario:
 * the runs' verdicts, each scenario's paired difference to the reference, which ends lowest.
 * Written from the numbers only; never assumes a winner.
 */
export function readComparison(results: readonly ComparedScenario[], cells: readonly CompareCell[], ref = 0, lang: Lang = 'en'): string {
  // ASCII minus: the terminal's numbers are copied into scripts.
  return comparisonReading(comparisonFacts(results, cells, ref), lang, '-').join(lang === 'zh' ? '' : ' ');
}
