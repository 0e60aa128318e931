import { comparisonReading, type ComparisonFacts, scenarioFacts } from '../report/comparisonReading.ts';
import type { Lang } from '../i18n/terms.ts';
import type { CompareCell, ComparedScenario } from './compare.ts';

/** The facts of a comparison that its reading needs, from the live results and cells (differences to the reference `ref`). */
export function comparisonFacts(results: readonly ComparedScenario[], cells: readonly CompareCell[], ref = 0): ComparisonFacts {
  const get = (scenario: string, metric: string) => cells.find((c) => c.scenario === scenario && c.metric === metric) as CompareCell;
  const reference = results[ref].scenario.name;
  return {
    reference,
    ticks: results[ref].summaries[0].ticks,
    scenarios: results.map((r) => scenarioFacts(r.scenario.name, r.scenario.title, r.summaries)),
    diffs: results.map((r) => {
      const c = get(r.scenario.name, 'gap_final');
      return { scenario: r.scenario.name, versus: reference, mean: c.diffMean, lo: c.diffLo, hi: c.diffHi };
    }),
  };
}

/**
 * A one-paragraph plain-language reading of a comparison against its reference scenario: each
 * scenario's net verdict, recent direction and qualifiers, its paired difference to the
 * reference, which ends lowest, whether that trades off against efficiency or equality, and
 * warnings about wasted spending and capped budgets. Written from the numbers only; never
 * assumes a winner.
 */
export function readComparison(results: readonly ComparedScenario[], cells: readonly CompareCell[], ref = 0, lang: Lang = 'en'): string {
  // ASCII minus: the terminal's numbers are copied into scripts.
  return comparisonReading(comparisonFacts(results, cells, ref), lang, '-').join(lang === 'zh' ? '' : ' ');
}
