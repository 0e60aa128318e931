import { WASTE_WARNING_SHARE } from '../metrics/summary.ts';
import type { CompareCell, ComparedScenario } from './compare.ts';
import { verdictCounts } from './compare.ts';

const num = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const pct = (v: number) => `${Math.round(100 * v)}%`;

/** Whether a paired difference's 95% interval excludes zero. */
function clear(cell: CompareCell): boolean {
  return Number.isFinite(cell.diffLo) && Number.isFinite(cell.diffHi) && (cell.diffLo > 0 || cell.diffHi < 0);
}

/** How many of a scenario's seeds raised each qualifier, e.g. "hollowing in 3/3 seeds". */
function qualifierCounts(result: ComparedScenario): string {
  const counts = new Map<string, number>();
  for (const s of result.summaries) for (const id of new Set(s.gap.qualifiers.map((q) => q.id))) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts.entries()].map(([id, n]) => `${id} in ${n}/${result.summaries.length} seeds`).join(', ');
}

/**
 * A one-paragraph plain-language reading of a comparison whose first scenario is the reference
 * (no governance, when it has no interventions) and whose others are alternatives. When the
 * reference is itself governed, it competes with the others. Written from the numbers only:
 * for each scenario the net change of the gap |DPD| and its recent direction, with the
 * qualifiers raised; which alternative ends with the smallest gap and whether the differences
 * are clear of seed noise; whether the orders trade the gap off against mean income, output
 * or inequality; and warnings when spending bought nothing or the budget was capped.
 */
export function readComparison(results: readonly ComparedScenario[], cells: readonly CompareCell[]): string {
  const get = (scenario: string, metric: string) => cells.find((c) => c.scenario === scenario && c.metric === metric) as CompareCell;
  const [reference, ...others] = results;
  const refName = reference.scenario.name;
  const mean = (r: ComparedScenario, f: (s: ComparedScenario['summaries'][number]) => number) => r.summaries.reduce((a, s) => a + f(s), 0) / r.summaries.length;
  const refStart = mean(reference, (s) => s.gap.gapInitial);
  const parts: string[] = [];
  const qualified = (r: ComparedScenario) => {
    const q = qualifierCounts(r);
    return q ? `; qualifiers: ${q}` : '';
  };
  const ungoverned = reference.scenario.interventions.length === 0;
  parts.push(
    `${ungoverned ? `Without governance (${refName})` : `In the reference, ${reference.scenario.title || refName},`} the urban-rural gap |DPD| goes from ${num(refStart)} to ${num(get(refName, 'gap_final').mean)} over ${reference.summaries[0].ticks} years (${verdictCounts(reference)} of the seeds; lately ${verdictCounts(reference, 'recent')}${qualified(reference)}), with mean income ${num(get(refName, 'final.income_pc').mean)} and Gini ${num(get(refName, 'final.gini').mean, 3)}.`,
  );
  for (const other of others) {
    const name = other.scenario.name;
    const c = get(name, 'gap_final');
    const spend = get(name, 'spending_total').mean;
    parts.push(
      `${other.scenario.title || name}, spending ${Math.round(spend).toLocaleString('en-US')} in all, ends at ${num(c.mean)} (${c.diffMean <= 0 ? 'lower' : 'higher'} by ${num(Math.abs(c.diffMean))}${
        clear(c) ? '' : ', within seed noise'
      }; ${verdictCounts(other)}, lately ${verdictCounts(other, 'recent')}${qualified(other)}), with mean income ${num(get(name, 'final.income_pc').mean)} and Gini ${num(get(name, 'final.gini').mean, 3)}.`,
    );
  }
  const contenders = ungoverned ? others : results;
  if (contenders.length >= 2) {
    const ranked = [...contenders].sort((a, b) => get(a.scenario.name, 'gap_final').mean - get(b.scenario.name, 'gap_final').mean);
    const best = ranked[0].scenario.name;
    const runnerUp = ranked[1].scenario.name;
    const gap = get(runnerUp, 'gap_final').mean - get(best, 'gap_final').mean;
    const spends = contenders.map((o) => get(o.scenario.name, 'spending_total').mean);
    const equal = Math.max(...spends) - Math.min(...spends) <= 1e-6 * Math.max(1, ...spends);
    parts.push(
      `${equal ? 'At equal total budget (the ledger shows the same spending for each), ' : 'Note that the budgets differ; '}${best} leaves the smallest gap, ${num(gap)} below ${runnerUp}.`,
    );
    parts.push(tradeOff(ranked.map((r) => r.scenario.name), get));
  }
  for (const r of results) parts.push(...warnings(r));
  return parts.join(' ');
}

/**
 * Whether the scenario with the smallest gap is also ahead on efficiency (mean income, output
 * per resident) and inequality (Gini, Theil), or whether another order buys more of those.
 * `ranked` is sorted by final gap, smallest first.
 */
function tradeOff(ranked: readonly string[], get: (scenario: string, metric: string) => CompareCell): string {
  const [best, ...rest] = ranked;
  const criteria = [
    { metric: 'final.income_pc', what: 'higher mean income', higherIsBetter: true },
    { metric: 'final.output_pc', what: 'more output per resident', higherIsBetter: true },
    { metric: 'final.gini', what: 'a lower Gini', higherIsBetter: false },
    { metric: 'final.theil', what: 'a lower Theil', higherIsBetter: false },
  ];
  const losses = new Map<string, string[]>();
  for (const c of criteria) {
    const mine = get(best, c.metric).mean;
    for (const other of rest) {
      const theirs = get(other, c.metric).mean;
      const better = c.higherIsBetter ? theirs > mine : theirs < mine;
      if (better && Number.isFinite(mine) && Number.isFinite(theirs)) {
        const rel = mine !== 0 ? ` ${c.higherIsBetter ? '+' : '−'}${pct(Math.abs(theirs - mine) / Math.abs(mine))}` : '';
        losses.set(other, [...(losses.get(other) ?? []), `${c.what} (${num(theirs, 3)} against ${num(mine, 3)},${rel})`]);
        break;
      }
    }
  }
  if (losses.size === 0) return `${best} is also ahead on mean income, output, Gini and Theil: here the orders do not trade off.`;
  const list = (items: string[]) => (items.length === 1 ? items[0] : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);
  const gains = [...losses.entries()].map(([other, items]) => `${other} gives ${list(items)}`);
  return `But ${gains.join('; ')}: the orders trade a smaller gap against efficiency or equality, and which is better depends on what one values.`;
}

/** Warnings about a scenario's money: spending that bought nothing, and a budget the fiscal rule capped. */
function warnings(r: ComparedScenario): string[] {
  const name = r.scenario.name;
  const out: string[] = [];
  const n = r.summaries.length;
  const waste = r.summaries.reduce((a, s) => a + s.waste.share, 0) / n;
  if (waste > WASTE_WARNING_SHARE) {
    out.push(`Warning: in ${name}, ${pct(waste)} of the spending bought nothing because its instruments had saturated (more than ${pct(WASTE_WARNING_SHARE)}), so equal booked budgets are not equal effective resources.`);
  }
  const capped = r.summaries.filter((s) => s.budget.capped);
  if (capped.length > 0) {
    const cut = capped.reduce((a, s) => a + s.budget.cut / s.budget.requested, 0) / capped.length;
    out.push(`Warning: in ${name} the fiscal rule capped the budget in ${capped.length}/${n} seeds, withholding ${pct(cut)} of what the programme asked for; asking for more would have changed nothing.`);
  }
  return out;
}
