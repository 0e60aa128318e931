import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.ts';
import { csvLine } from '../io/csv.ts';
import { tConfidenceInterval } from '../metrics/convergence.ts';
import type { RunSummary } from '../metrics/summary.ts';
import { runScenario } from '../run/runScenario.ts';
import type { Scenario } from '../scenario/schema.ts';
import { metricValue, RUN_METRICS } from './metrics.ts';

/** Summary numbers shown in a comparison table, in order (names as in experiment files, src/experiments/metrics.ts). */
export const COMPARE_METRICS = [
  'dpd_final',
  'dpd_change',
  'trend_slope',
  'final.ratio_technology',
  'final.ratio_capital',
  'final.ratio_talent',
  'final.ratio_production',
  'final.ratio_rights',
  'final.gini',
  'final.theil',
  'final.income_pc',
  'rural_share',
  'beta',
  'spending_total',
] as const;

/** A metric of a run summary as a number (NaN when missing or categorical). */
function numeric(summary: RunSummary, metric: string): number {
  const v = metricValue(summary, metric);
  return typeof v === 'number' ? v : NaN;
}

/** One scenario's runs over the common seeds. */
export interface ComparedScenario {
  scenario: Scenario;
  summaries: RunSummary[];
  dirs: string[];
}

/** One cell of a comparison: a metric of a scenario over the seeds, and its paired difference to the first scenario. */
export interface CompareCell {
  scenario: string;
  metric: string;
  seeds: number;
  mean: number;
  sd: number;
  lo: number;
  hi: number;
  diffMean: number;
  diffSd: number;
  diffLo: number;
  diffHi: number;
}

/** Seeds of a comparison: seed, seed+1, ..., the same list for every scenario (common random numbers). */
export function commonSeeds(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => first + k);
}

/**
 * Runs every scenario with every seed (the same seeds for each, so differences between scenarios
 * are paired and not blurred by luck), writing each run folder to `<dir>/<scenario>/seed-<s>`.
 */
export function runComparison(
  scenarios: readonly Scenario[],
  seeds: readonly number[],
  dir: string,
  onRun?: (done: number, total: number) => void,
): ComparedScenario[] {
  const total = scenarios.length * seeds.length;
  let done = 0;
  return scenarios.map((base) => {
    const summaries: RunSummary[] = [];
    const dirs: string[] = [];
    for (const seed of seeds) {
      const runDir = join(dir, base.name, `seed-${seed}`);
      summaries.push(runScenario({ ...base, seed }, { dir: runDir }).summary);
      dirs.push(runDir);
      onRun?.(++done, total);
    }
    return { scenario: base, summaries, dirs };
  });
}

/** Mean, spread and 95% t interval of each metric per scenario, and of its paired difference to the first scenario. */
export function compareCells(results: readonly ComparedScenario[], metrics: readonly string[] = COMPARE_METRICS): CompareCell[] {
  const cells: CompareCell[] = [];
  results.forEach((r) => {
    for (const metric of metrics) {
      const values = r.summaries.map((sum) => numeric(sum, metric));
      const diffs = r.summaries.map((sum, k) => numeric(sum, metric) - numeric(results[0].summaries[k], metric));
      const ci = tConfidenceInterval(values);
      const dci = tConfidenceInterval(diffs);
      cells.push({
        scenario: r.scenario.name,
        metric,
        seeds: values.length,
        mean: ci.mean,
        sd: ci.sd,
        lo: ci.lo,
        hi: ci.hi,
        diffMean: dci.mean,
        diffSd: dci.sd,
        diffLo: dci.lo,
        diffHi: dci.hi,
      });
    }
  });
  return cells;
}

/** Verdict counts per scenario over the seeds, e.g. "converging 3/3". */
export function verdictCounts(result: ComparedScenario): string {
  const counts = new Map<string, number>();
  for (const s of result.summaries) counts.set(s.verdict, (counts.get(s.verdict) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([v, n]) => `${v} ${n}/${result.summaries.length}`).join(', ');
}

/** Writes compare.csv (one row per scenario and metric) and compare-runs.csv (one row per run). */
export function writeComparison(dir: string, results: readonly ComparedScenario[], cells: readonly CompareCell[]): void {
  const header = ['scenario', 'metric', 'seeds', 'mean', 'sd', 'ci95_lo', 'ci95_hi', 'diff_vs_first', 'diff_sd', 'diff_ci95_lo', 'diff_ci95_hi'];
  writeFileAtomic(
    join(dir, 'compare.csv'),
    csvLine(header) + cells.map((c) => csvLine([c.scenario, c.metric, c.seeds, c.mean, c.sd, c.lo, c.hi, c.diffMean, c.diffSd, c.diffLo, c.diffHi])).join(''),
  );
  const keys = [...Object.keys(RUN_METRICS).filter((k) => k !== 'verdict'), ...Object.keys(results[0].summaries[0].final).map((k) => `final.${k}`)];
  const rows = results.flatMap((r) => r.summaries.map((s, k) => csvLine([r.scenario.name, s.seed, s.verdict, r.dirs[k], ...keys.map((key) => metricValue(s, key) ?? NaN)])));
  writeFileAtomic(join(dir, 'compare-runs.csv'), csvLine(['scenario', 'seed', 'verdict', 'run_dir', ...keys]) + rows.join(''));
}

/**
 * A whole comparison: runs the scenarios on the common seeds into `dir`, computes the cells and
 * writes compare.csv and compare-runs.csv. What `urd compare` and `urd demo` share.
 */
export function compareInto(
  scenarios: readonly Scenario[],
  seeds: readonly number[],
  dir: string,
  onRun?: (done: number, total: number) => void,
): { results: ComparedScenario[]; cells: CompareCell[] } {
  const results = runComparison(scenarios, seeds, dir, onRun);
  const cells = compareCells(results);
  writeComparison(dir, results, cells);
  return { results, cells };
}

/** A plain-text table of means (± sd) and differences to the first scenario, for the terminal. */
export function formatComparison(results: readonly ComparedScenario[], cells: readonly CompareCell[], metrics: readonly string[] = COMPARE_METRICS): string {
  const names = results.map((r) => r.scenario.name);
  const fmt = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 1000 ? v.toFixed(0) : v.toPrecision(3)) : 'NA');
  const cell = (scenario: string, metric: string) => cells.find((c) => c.scenario === scenario && c.metric === metric) as CompareCell;
  const verdicts = results.map((r) => verdictCounts(r).split(',')[0]);
  // Wide enough for a space before every name and verdict ("converging 10/10" is 16 characters).
  const width = Math.max(14, ...[...names, ...verdicts].map((n) => n.length + 2));
  const lines = [`${'metric'.padEnd(24)}${names.map((n) => n.padStart(width)).join('')}`];
  lines.push(`${'verdict'.padEnd(24)}${verdicts.map((v) => v.padStart(width)).join('')}`);
  for (const m of metrics) {
    const row = names.map((n, s) => {
      const c = cell(n, m);
      const spread = (sd: number) => (c.seeds > 1 ? `±${fmt(sd)}` : '');
      const text = s === 0 ? `${fmt(c.mean)}${spread(c.sd)}` : `${c.diffMean >= 0 ? '+' : ''}${fmt(c.diffMean)}${spread(c.diffSd)}`;
      return text.padStart(width);
    });
    lines.push(`${m.padEnd(24)}${row.join('')}`);
  }
  lines.push(`(first column: mean${results[0].summaries.length > 1 ? ' ± sd' : ''} over ${results[0].summaries.length} seed(s); others: paired difference to ${names[0]})`);
  return lines.join('\n');
}
