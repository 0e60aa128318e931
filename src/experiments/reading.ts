import type { CompareCell, ComparedScenario } from './compare.ts';
import { verdictCounts } from './compare.ts';

const num = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');

/** Whether a paired difference's 95% interval excludes zero. */
function clear(cell: CompareCell): boolean {
  return Number.isFinite(cell.diffLo) && Number.isFinite(cell.diffHi) && (cell.diffLo > 0 || cell.diffHi < 0);
}

/**
 * A one-paragraph plain-language reading of a comparison whose first scenario is the reference
 * (no governance) and whose others are governed alternatives. Written from the numbers only:
 * it names whichever scenario ends with the smallest gap, says whether the differences are
 * clear of seed noise, and never assumes a winner.
 */
export function readComparison(results: readonly ComparedScenario[], cells: readonly CompareCell[]): string {
  const get = (scenario: string, metric: string) => cells.find((c) => c.scenario === scenario && c.metric === metric) as CompareCell;
  const [reference, ...others] = results;
  const refName = reference.scenario.name;
  const ref = get(refName, 'dpd_final');
  const refStart = reference.summaries.reduce((a, s) => a + s.dpd.initial, 0) / reference.summaries.length;
  const parts: string[] = [];
  parts.push(
    `Without governance (${refName}) the digital potential difference goes from ${num(refStart)} to ${num(ref.mean)} over ${reference.summaries[0].ticks} years, and its recent trend is ${verdictCounts(reference)} of the seeds.`,
  );
  for (const other of others) {
    const name = other.scenario.name;
    const c = get(name, 'dpd_final');
    const spend = get(name, 'spending_total').mean;
    parts.push(
      `${other.scenario.title || name}, spending ${Math.round(spend).toLocaleString('en-US')} in all, ends at ${num(c.mean)} (${c.diffMean <= 0 ? 'lower' : 'higher'} by ${num(Math.abs(c.diffMean))}${
        clear(c) ? '' : ', within seed noise'
      }; trend ${verdictCounts(other)}).`,
    );
  }
  if (others.length >= 2) {
    const ranked = [...others].sort((a, b) => get(a.scenario.name, 'dpd_final').mean - get(b.scenario.name, 'dpd_final').mean);
    const best = ranked[0].scenario.name;
    const runnerUp = ranked[1].scenario.name;
    const gap = get(runnerUp, 'dpd_final').mean - get(best, 'dpd_final').mean;
    const spends = others.map((o) => get(o.scenario.name, 'spending_total').mean);
    const equal = Math.max(...spends) - Math.min(...spends) <= 1e-6 * Math.max(1, ...spends);
    parts.push(
      `${equal ? 'At equal total budget (the ledger shows the same spending for each), ' : 'Note that the budgets differ; '}${best} leaves the smallest gap, ${num(gap)} below ${runnerUp}.`,
    );
  }
  return parts.join(' ');
}
