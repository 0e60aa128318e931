import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadExperiment } from '../../src/experiments/load.ts';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { InputError } from '../../src/scenario/load.ts';
import { parseCsvLine } from '../../src/report/read.ts';

export { ROOT, tempDir } from '../support.ts';

/**
 * Writes a tiny base scenario and an experiment using it into `dir` and returns the experiment's
 * path. The base is written here rather than taken from scenarios/ so tests do not move when the
 * stock scenarios are recalibrated.
 */
export function writeExperiment(dir: string, experiment: string, base = 'name: tiny\nseed: 1\nticks: 10\nworld: { residents: 2000 }\n'): string {
  writeFileSync(join(dir, 'tiny.yaml'), base);
  const path = join(dir, 'experiment.yaml');
  writeFileSync(path, experiment);
  return path;
}

/** A small factorial experiment: 2 × 2 points × 2 replications = 8 runs. */
export const SMALL = `name: small
base: tiny.yaml
seed: 5
replications: 2
parameters:
  talent.barrier: [0.3, 1.5]
  rights.rentShare: { from: 0.1, to: 0.5, step: 0.4 }
metrics: [verdict, dpd_final, dpd_change, halving_tick, rural_share, final.gini]
`;

/** Every file under `dir` (relative path → bytes), for byte-for-byte folder comparisons. */
export function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'latin1'));
    }
  };
  walk(dir);
  return out;
}

/** Asserts-friendly comparison: the list of files that differ or exist on one side only. */
export function treeDiff(a: string, b: string): string[] {
  const ta = tree(a);
  const tb = tree(b);
  const diff: string[] = [];
  for (const [k, v] of ta) if (tb.get(k) !== v) diff.push(tb.has(k) ? `differs: ${k}` : `only in ${a}: ${k}`);
  for (const k of tb.keys()) if (!ta.has(k)) diff.push(`only in ${b}: ${k}`);
  return diff;
}

/**
 * A run summary written by hand, with every field a sweep reads set to a distinct value, so
 * tests of runs.csv, aggregate.csv, merges and exports know every number without running the
 * model. `over` replaces top-level fields (and `final`, `dpd` are merged field by field).
 */
export function handSummary(over: { seed?: number; verdict?: string; final?: Record<string, number>; dpd?: Partial<RunSummary['dpd']> } = {}): RunSummary {
  return {
    scenario: 's',
    seed: over.seed ?? 1,
    ticks: 4,
    final: { gini: 0.31, theil: Number.NaN, spending_capital: 9, ...over.final },
    initial: {},
    ruralShare: 0.42,
    dpd: { initial: 1.5, final: 1.25, change: -0.25, peak: 1.75, peakTick: 2, halvingTick: null, ...over.dpd },
    trend: { slope: -0.03, slopeSE: 0.01, verdict: 'converging', rule: 'r' },
    beta: { beta: -0.2, se: 0.05, halfLife: Infinity },
    verdict: over.verdict ?? 'narrowed',
    recent: 'flat',
    gap: {
      gapFinal: 1.25,
      gapChange: -0.25,
      qualifiers: [{ id: 'stage-against' }, { id: 'hollowing' }, { id: 'stage-against' }, { id: 'sigma-disagrees' }],
    },
    sentence: '',
    qualifierSentences: [],
    population: { dpdStartWeightedFinal: 1.1 },
    spending: { capital: 3, talent: 4.5, policy: 0 },
    waste: { share: 0.125 },
    budget: { cut: 7 },
    events: { tipping: 5, overspend: 2 },
  } as unknown as RunSummary;
}

/** A CSV file as records keyed by its header. */
export function readCsvRecords(path: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const names = parseCsvLine(head);
  return lines.map((l) => Object.fromEntries(parseCsvLine(l).map((v, i) => [names[i], v])));
}

/** Two-sided 95% Student-t quantiles t(0.975, df) from the tables (Fisher & Yates). */
export const T975: Record<number, number> = { 1: 12.706204736174698, 2: 4.302652729911275, 3: 3.182446305284263 };

/** n, mean, sample sd and 95% t interval of the numbers, by the textbook formulas; NaN where undefined. */
export function naiveStats(xs: readonly number[]) {
  const n = xs.length;
  const mean = n ? xs.reduce((a, b) => a + b, 0) / n : NaN;
  const sd = n > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)) : NaN;
  const half = n > 1 ? (T975[n - 1] * sd) / Math.sqrt(n) : NaN;
  return { n, mean, sd, lo: mean - half, hi: mean + half };
}

/** Loads an experiment text (with `base` as tiny.yaml beside it) and returns the InputError it raises. */
export function experimentError(text: string, base?: string): InputError {
  const path = writeExperiment(mkdtempSync(join(tmpdir(), 'urd-test-')), text, base);
  try {
    loadExperiment(path);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError');
}
