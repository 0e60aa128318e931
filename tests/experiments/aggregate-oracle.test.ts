import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SCENARIOS } from '../../src/cli/demo.ts';
import { COMPARE_METRICS, compareInto, formatComparison } from '../../src/experiments/compare.ts';
import { loadExperiment } from '../../src/experiments/load.ts';
import { readComparison } from '../../src/experiments/reading.ts';
import { runSweep } from '../../src/experiments/sweep.ts';
import { csvNumber, parseCsvLine } from '../../src/report/read.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { tempDir, writeExperiment } from './helpers.ts';

/**
 * What a researcher reads in aggregate.csv, and what a teacher reads on the demo's screen, is
 * recomputed from the per-run files (runs.csv, compare-runs.csv) with the textbook formulas and
 * the t quantiles of the printed tables.
 */

/** Two-sided 95% Student-t quantiles t(0.975, df) from the tables (Fisher & Yates). */
const T975: Record<number, number> = { 1: 12.706204736174698, 2: 4.302652729911275, 3: 3.182446305284263 };

/** A CSV file as records keyed by its header. */
function readCsv(path: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const names = parseCsvLine(head);
  return lines.map((l) => Object.fromEntries(parseCsvLine(l).map((v, i) => [names[i], v])));
}

/** n, mean, sample sd and 95% t interval of the numbers, by hand; NaN where undefined. */
function stats(xs: readonly number[]) {
  const n = xs.length;
  const mean = n ? xs.reduce((a, b) => a + b, 0) / n : NaN;
  const sd = n > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)) : NaN;
  const half = n > 1 ? (T975[n - 1] * sd) / Math.sqrt(n) : NaN;
  return { n, mean, sd, lo: mean - half, hi: mean + half };
}

function expectNumber(actual: string, expected: number, what: string) {
  if (Number.isNaN(expected)) expect(actual, what).toBe('NA');
  else expect(csvNumber(actual), what).toBeCloseTo(expected, 10);
}

describe('aggregate.csv against runs.csv', () => {
  const METRICS = ['verdict', 'dpd_final', 'dpd_change', 'halving_tick', 'rural_share', 'final.gini'];
  const work = tempDir();
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  // The sweep runs inside the test (not in a hook), so mutation testing sees which code it reaches.
  it('every point and metric: n, mean, sd and the 95% interval over that point’s replications', async () => {
    const plan = loadExperiment(
      writeExperiment(
        work,
        `name: oracle
base: tiny.yaml
seed: 17
replications: 4
parameters:
  talent.barrier: [0.2, 1.6]
metrics: [${METRICS.join(', ')}]
`,
        'name: tiny\nseed: 1\nticks: 8\nworld: { residents: 800 }\n',
      ),
    );
    const dir = join(work, 'sweep');
    const sweep = await runSweep(plan, { dir, workers: 1 });
    expect(sweep.finalized).toBe(true);
    const runs = readCsv(join(dir, 'runs.csv'));
    const aggregate = readCsv(join(dir, 'aggregate.csv'));
    expect(runs).toHaveLength(8);
    let checked = 0;
    for (const point of ['0', '1']) {
      const mine = runs.filter((r) => r.point === point);
      expect(mine.map((r) => r.replication)).toEqual(['0', '1', '2', '3']);
      for (const metric of METRICS.slice(1)) {
        const row = aggregate.filter((a) => a.point === point && a.metric === metric);
        expect(row, `${point}/${metric}`).toHaveLength(1);
        const s = stats(mine.map((r) => csvNumber(r[metric])).filter(Number.isFinite));
        expect(Number(row[0].n), `${point}/${metric} n`).toBe(s.n);
        expectNumber(row[0].mean, s.mean, `${point}/${metric} mean`);
        expectNumber(row[0].sd, s.sd, `${point}/${metric} sd`);
        expectNumber(row[0].ci95_lo, s.lo, `${point}/${metric} lo`);
        expectNumber(row[0].ci95_hi, s.hi, `${point}/${metric} hi`);
        expect(row[0]['talent.barrier']).toBe(mine[0]['talent.barrier']);
        checked++;
      }
      for (const verdict of ['converging', 'diverging', 'stable', 'undetermined']) {
        const row = aggregate.filter((a) => a.point === point && a.metric === `verdict=${verdict}`);
        const s = stats(mine.map((r) => (r.verdict === verdict ? 1 : 0)));
        expect(Number(row[0].n)).toBe(4);
        expectNumber(row[0].mean, s.mean, `${point}/${verdict} share`);
        expectNumber(row[0].sd, s.sd, `${point}/${verdict} sd`);
      }
    }
    expect(checked).toBe(10);
    // The points differ, so a mix-up between points could not pass unnoticed.
    expect(aggregate.find((a) => a.point === '0' && a.metric === 'dpd_final')?.mean).not.toBe(aggregate.find((a) => a.point === '1' && a.metric === 'dpd_final')?.mean);
  }, 60_000);
});

describe('the demo’s printed numbers against compare.csv', () => {
  let work: string;
  let printed: string;
  let cells: Record<string, string>[];
  let runs: Record<string, string>[];
  const names = DEMO_SCENARIOS.map((f) => f.replace(/\.yaml$/, ''));

  beforeAll(() => {
    work = tempDir();
    const scenariosDir = join(dirname(fileURLToPath(import.meta.url)), '../../scenarios');
    // The demo's own scenarios, made small; the demo prints exactly these two texts.
    const scenarios = DEMO_SCENARIOS.map((f) => {
      const s = loadScenario(join(scenariosDir, f));
      return { ...s, ticks: 8, world: { ...s.world, residents: 1500 } };
    });
    const { results, cells: c } = compareInto(scenarios, [1, 2, 3], work);
    printed = `${formatComparison(results, c)}\n\n${readComparison(results, c)}`;
    cells = readCsv(join(work, 'compare.csv'));
    runs = readCsv(join(work, 'compare-runs.csv'));
  }, 90_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const cell = (scenario: string, metric: string) => cells.find((c) => c.scenario === scenario && c.metric === metric) as Record<string, string>;
  const fmt = (v: number) => (Math.abs(v) >= 1000 ? v.toFixed(0) : v.toPrecision(3));

  it('compare.csv holds the mean, sd and interval of compare-runs.csv, and the paired differences', () => {
    for (const name of names) {
      for (const metric of ['dpd_final', 'final.gini', 'spending_total', 'rural_share']) {
        const mine = runs.filter((r) => r.scenario === name).map((r) => csvNumber(r[metric]));
        const first = runs.filter((r) => r.scenario === names[0]).map((r) => csvNumber(r[metric]));
        const c = cell(name, metric);
        const s = stats(mine);
        const d = stats(mine.map((v, k) => v - first[k]));
        expect(c.seeds).toBe('3');
        expectNumber(c.mean, s.mean, `${name}/${metric} mean`);
        expectNumber(c.sd, s.sd, `${name}/${metric} sd`);
        expectNumber(c.ci95_lo, s.lo, `${name}/${metric} lo`);
        expectNumber(c.diff_vs_first, d.mean, `${name}/${metric} diff`);
        expectNumber(c.diff_ci95_hi, d.hi, `${name}/${metric} diff hi`);
      }
    }
  });

  it('the table shows the reference’s means ± sd and the others’ paired differences ± sd, metric by metric', () => {
    const lines = printed.split('\n');
    for (const metric of COMPARE_METRICS) {
      const line = lines.find((l) => l.startsWith(`${metric} `));
      expect(line, metric).toBeDefined();
      const shown = (line as string).slice(24).trim().split(/\s+/);
      expect(shown).toHaveLength(3);
      const ref = cell(names[0], metric);
      expect(shown[0]).toBe(`${fmt(csvNumber(ref.mean))}±${fmt(csvNumber(ref.sd))}`);
      for (const k of [1, 2]) {
        const c = cell(names[k], metric);
        const diff = csvNumber(c.diff_vs_first);
        expect(shown[k]).toBe(`${diff >= 0 ? '+' : ''}${fmt(diff)}±${fmt(csvNumber(c.diff_sd))}`);
      }
    }
  });

  it('the reading quotes the reference’s start and end, each programme’s end, spending and ranking', () => {
    const ref = cell(names[0], 'dpd_final');
    const start = stats(runs.filter((r) => r.scenario === names[0]).map((r) => csvNumber(r.dpd_initial))).mean;
    expect(printed).toContain(`the digital potential difference goes from ${start.toFixed(2)} to ${csvNumber(ref.mean).toFixed(2)} over 8 years`);
    const ends = names.slice(1).map((n) => csvNumber(cell(n, 'dpd_final').mean));
    for (const [k, n] of names.slice(1).entries()) {
      const c = cell(n, 'dpd_final');
      const diff = csvNumber(c.diff_vs_first);
      expect(printed).toContain(`spending ${Math.round(csvNumber(cell(n, 'spending_total').mean)).toLocaleString('en-US')} in all, ends at ${ends[k].toFixed(2)} (${diff <= 0 ? 'lower' : 'higher'} by ${Math.abs(diff).toFixed(2)}`);
    }
    const best = ends[0] <= ends[1] ? 0 : 1;
    expect(printed).toContain(`${names[1 + best]} leaves the smallest gap, ${Math.abs(ends[1] - ends[0]).toFixed(2)} below ${names[2 - best]}`);
  });
});
