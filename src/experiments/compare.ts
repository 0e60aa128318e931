import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.ts';
import { csvLine } from '../io/csv.ts';
import { tConfidenceInterval } from '../metrics/convergence.ts';
import type { RunSummary } from '../metrics/summary.ts';
import { runScenario } from '../run/runScenario.ts';
import type { Scenario } from '../scenario/schema.ts';
import { metricValue, RUN_METRICS } from './metrics.ts';
import { readComparison } from './reading.ts';
import { type ReadableOptions, readable } from '../i18n/format.ts';

/** Summary numbers shown in a comparison table, in order (names as in experiment files, src/experiments/metrics.ts). */
export const COMPARE_METRICS = [
  // the gap
  'gap_final',
  'gap_change',
  'trend_slope',
  // efficiency and inequality beside it: orders can trade equity against output
  'final.income_pc',
  'final.output_pc',
  'final.gini',
  'final.theil',
  // who is left
  'rural_share',
  'final.dpd_start_weighted',
  'final.ratio_technology',
  'final.ratio_capital',
  'final.ratio_talent',
  'final.ratio_production',
  'final.ratio_rights',
  'beta',
  // what was spent, what bought nothing, what the fiscal cap withheld
  'spending_total',
  'waste_share',
  'budget_cut',
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

/** One cell of a comparison: a metric of a scenario over the seeds, and its paired difference to the reference scenario. */
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

/** A paired difference of one metric between two scenarios over the common seeds: scenario − versus. */
export interface PairCell {
  scenario: string;
  versus: string;
  metric: string;
  seeds: number;
  mean: number;
  sd: number;
  lo: number;
  hi: number;
}

/** What a comparison is about, beyond its scenarios: written to compare.json for the report. */
export interface ComparisonText {
  title?: string;
  title_zh?: string;
  question?: string;
  question_zh?: string;
}

/** Seeds of a comparison: seed, seed+1, ..., the same list for every scenario (common random numbers). */
export function commonSeeds(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => first + k);
}

/**
 * Runs every scenario with every seed (the same seeds for each, so differences between scenarios
 * are paired and not blurred by luck), writing each run folder to `<writeTo>/<scenario>/seed-<s>`
 * and naming it `<dir>/<scenario>/seed-<s>` (where it is once a staged comparison is in place).
 */
export async function runComparison(
  scenarios: readonly Scenario[],
  seeds: readonly number[],
  dir: string,
  onRun?: (done: number, total: number) => void,
  writeTo = dir,
  shouldStop?: () => boolean,
): Promise<ComparedScenario[]> {
  const total = scenarios.length * seeds.length;
  let done = 0;
  const out: ComparedScenario[] = [];
  for (const base of scenarios) {
    const summaries: RunSummary[] = [];
    const dirs: string[] = [];
    for (const seed of seeds) {
      // Between runs the event loop turns, so a signal handler can ask the comparison to stop.
      await new Promise((resolve) => setImmediate(resolve));
      if (shouldStop?.()) throw new ComparisonStopped(`stopped after ${done} of ${total} runs`);
      summaries.push(runScenario({ ...base, seed }, { dir: join(writeTo, base.name, `seed-${seed}`) }).summary);
      dirs.push(join(dir, base.name, `seed-${seed}`));
      // Counted apart from the call: `onRun?.(++done)` skips the increment when there is no onRun.
      done++;
      onRun?.(done, total);
    }
    out.push({ scenario: base, summaries, dirs });
  }
  return out;
}

/** A comparison stopped on request (a signal) before all its runs were done. */
export class ComparisonStopped extends Error {}

/** Mean, sd and 95% t interval of the seed-by-seed differences of a metric between two scenarios. */
function paired(a: ComparedScenario, b: ComparedScenario, metric: string) {
  return tConfidenceInterval(a.summaries.map((sum, k) => numeric(sum, metric) - numeric(b.summaries[k], metric)));
}

/** Mean, spread and 95% t interval of each metric per scenario, and of its paired difference to the reference (index `ref`, default the first). */
export function compareCells(results: readonly ComparedScenario[], metrics: readonly string[] = COMPARE_METRICS, ref = 0): CompareCell[] {
  const cells: CompareCell[] = [];
  results.forEach((r) => {
    for (const metric of metrics) {
      const ci = tConfidenceInterval(r.summaries.map((sum) => numeric(sum, metric)));
      const dci = paired(r, results[ref], metric);
      cells.push({
        scenario: r.scenario.name,
        metric,
        seeds: r.summaries.length,
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

/** The paired difference of every metric for every ordered pair of distinct scenarios. */
export function pairCells(results: readonly ComparedScenario[], metrics: readonly string[] = COMPARE_METRICS): PairCell[] {
  const out: PairCell[] = [];
  for (const a of results) {
    for (const b of results) {
      if (a === b) continue;
      for (const metric of metrics) {
        const d = paired(a, b, metric);
        out.push({ scenario: a.scenario.name, versus: b.scenario.name, metric, seeds: a.summaries.length, mean: d.mean, sd: d.sd, lo: d.lo, hi: d.hi });
      }
    }
  }
  return out;
}

/** Counts of a categorical field per scenario over the seeds, e.g. "widened 3/3" for the net verdict. */
export function verdictCounts(result: ComparedScenario, field: 'verdict' | 'recent' = 'verdict'): string {
  const counts = new Map<string, number>();
  for (const s of result.summaries) counts.set(s[field], (counts.get(s[field]) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([v, n]) => `${v} ${n}/${result.summaries.length}`).join(', ');
}

/** The columns of compare.csv: one row per scenario, metric and other scenario (`versus`), so every pairwise difference is a row. */
export const COMPARE_COLUMNS = ['scenario', 'metric', 'seeds', 'mean', 'sd', 'ci95_lo', 'ci95_hi', 'versus', 'diff', 'diff_sd', 'diff_ci95_lo', 'diff_ci95_hi'] as const;

/**
 * Writes compare.csv (each scenario's mean per metric, with its paired difference to every other
 * scenario), compare-runs.csv (one row per run) and compare.json (reference, title, question).
 */
export function writeComparison(dir: string, results: readonly ComparedScenario[], cells: readonly CompareCell[], meta: { reference: string; text?: ComparisonText }): void {
  const pairs = pairCells(results, [...new Set(cells.map((c) => c.metric))]);
  const pairOf = new Map(pairs.map((p) => [`${p.scenario}\u0000${p.versus}\u0000${p.metric}`, p]));
  const rows = cells.flatMap((c) =>
    results
      .filter((o) => o.scenario.name !== c.scenario)
      .map((o) => {
        const p = pairOf.get(`${c.scenario}\u0000${o.scenario.name}\u0000${c.metric}`) as PairCell;
        return csvLine([c.scenario, c.metric, c.seeds, c.mean, c.sd, c.lo, c.hi, p.versus, p.mean, p.sd, p.lo, p.hi]);
      }),
  );
  writeFileAtomic(join(dir, 'compare.csv'), csvLine([...COMPARE_COLUMNS]) + rows.join(''));
  const keys = [...Object.keys(RUN_METRICS).filter((k) => k !== 'verdict' && k !== 'recent'), ...Object.keys(results[0].summaries[0].final).map((k) => `final.${k}`)];
  const runRows = results.flatMap((r) => r.summaries.map((s, k) => csvLine([r.scenario.name, s.seed, s.verdict, s.recent, r.dirs[k], ...keys.map((key) => metricValue(s, key) ?? NaN)])));
  writeFileAtomic(join(dir, 'compare-runs.csv'), csvLine(['scenario', 'seed', 'verdict', 'recent', 'run_dir', ...keys]) + runRows.join(''));
  const json = { reference: meta.reference, scenarios: results.map((r) => r.scenario.name), seeds: results[0].summaries.map((s) => s.seed), ...(meta.text ?? {}) };
  writeFileAtomic(join(dir, 'compare.json'), `${JSON.stringify(json, null, 2)}\n`);
}

/** The index of the reference scenario named `reference` (default the first); bad names are the caller's input error. */
export function referenceIndex(results: readonly { scenario: Scenario }[] | readonly Scenario[], reference?: string): number {
  if (reference === undefined) return 0;
  return results.findIndex((r) => ('scenario' in r ? r.scenario.name : r.name) === reference);
}

/**
 * A whole comparison: runs the scenarios on the common seeds into `opts.writeTo` (a staging
 * folder that becomes `dir`; default `dir` itself), computes the cells (differences to the
 * reference, default the first scenario) and writes compare.csv, compare-runs.csv,
 * compare.json and reading.txt (readComparison). What `urd compare` and `urd demo` share.
 */
export async function compareInto(
  scenarios: readonly Scenario[],
  seeds: readonly number[],
  dir: string,
  onRun?: (done: number, total: number) => void,
  opts: { reference?: string; text?: ComparisonText; writeTo?: string; shouldStop?: () => boolean } = {},
): Promise<{ results: ComparedScenario[]; cells: CompareCell[]; ref: number }> {
  const writeTo = opts.writeTo ?? dir;
  const ref = Math.max(0, referenceIndex(scenarios, opts.reference));
  const results = await runComparison(scenarios, seeds, dir, onRun, writeTo, opts.shouldStop);
  const cells = compareCells(results, COMPARE_METRICS, ref);
  writeComparison(writeTo, results, cells, { reference: results[ref].scenario.name, text: opts.text });
  // The plain-language reading, for anyone opening the folder.
  writeFileAtomic(join(writeTo, 'reading.txt'), `${readComparison(results, cells, ref, 'en')}\n`);
  return { results, cells, ref };
}

/**
 * A plain-text table for the terminal: the reference's mean (± sd) and every other scenario's
 * paired difference to it. Columns are as wide as their widest entry plus two spaces, so
 * entries never run together; numbers are rounded for reading (the CSVs keep full precision).
 */
export function formatComparison(results: readonly ComparedScenario[], cells: readonly CompareCell[], metrics: readonly string[] = COMPARE_METRICS, ref = 0): string {
  const names = results.map((r) => r.scenario.name);
  const num = (v: number, o: ReadableOptions = {}) => (Number.isFinite(v) ? readable(v, { minus: '-', group: false, ...o }) : 'NA');
  const cell = (scenario: string, metric: string) => cells.find((c) => c.scenario === scenario && c.metric === metric) as CompareCell;
  const seeds = results[ref].summaries.length;
  const body: string[][] = [['metric', ...names.map((n, s) => (s === ref ? `${n} (reference)` : n))]];
  body.push(['verdict (net)', ...results.map((r) => verdictCounts(r))]);
  body.push(['recent', ...results.map((r) => verdictCounts(r, 'recent'))]);
  for (const m of metrics) {
    body.push([
      m,
      ...names.map((n, s) => {
        const c = cell(n, m);
        const scale = Math.max(Math.abs(c.mean), Math.abs(cell(names[ref], m).mean));
        const spread = (sd: number) => (c.seeds > 1 ? ` ±${num(sd, { scale })}` : '');
        return s === ref ? `${num(c.mean, { scale })}${spread(c.sd)}` : `${num(c.diffMean, { scale, sign: true })}${spread(c.diffSd)}`;
      }),
    ]);
  }
  const widths = body[0].map((_, k) => Math.max(...body.map((r) => r[k].length)));
  const lines = body.map((r) => r.map((v, k) => (k === 0 ? v.padEnd(widths[k]) : v.padStart(widths[k]))).join('  '));
  lines.push(`(${names[ref]}: mean${seeds > 1 ? ' ± sd' : ''} over ${seeds} seed(s); other columns: paired difference to ${names[ref]}${seeds > 1 ? ' ± sd of the differences' : ''})`);
  return lines.join('\n');
}
