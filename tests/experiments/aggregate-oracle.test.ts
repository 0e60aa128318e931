import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_SCENARIOS } from '../../src/cli/demo.ts';
import { COMPARE_METRICS, compareInto, formatComparison } from '../../src/experiments/compare.ts';
import { loadExperiment } from '../../src/experiments/load.ts';
import { readComparison } from '../../src/experiments/reading.ts';
import { runSweep } from '../../src/experiments/sweep.ts';
import { csvNumber } from '../../src/report/read.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { naiveStats as stats, readCsvRecords as readCsv, tempDir, writeExperiment } from './helpers.ts';

/**
 * What a researcher reads in aggregate.csv, and what a teacher reads on the demo's screen, is
 * recomputed from the per-run files (runs.csv, compare-runs.csv) with the textbook formulas and
 * the t quantiles of the printed tables.
 */

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
      for (const verdict of ['widened', 'narrowed', 'unchanged', 'undetermined']) {
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
  let ran: Promise<void> | null = null;
  const names = DEMO_SCENARIOS.map((f) => f.replace(/\.yaml$/, ''));

  /**
   * Runs the comparison once, from inside the first test that needs it (not in a hook, so
   * mutation testing sees the comparison code each test reaches).
   */
  const demo = (): Promise<void> =>
    (ran ??= (async () => {
      work = tempDir();
      const scenariosDir = join(dirname(fileURLToPath(import.meta.url)), '../../scenarios');
      // The demo's own scenarios, made small; the demo prints exactly these two texts.
      const scenarios = DEMO_SCENARIOS.map((f) => {
        const s = loadScenario(join(scenariosDir, f));
        return { ...s, ticks: 8, world: { ...s.world, residents: 1500 } };
      });
      const { results, cells: c, ref } = await compareInto(scenarios, [1, 2, 3], work);
      printed = `${formatComparison(results, c, undefined, ref)}\n\n${readComparison(results, c, ref)}`;
      cells = readCsv(join(work, 'compare.csv'));
      runs = readCsv(join(work, 'compare-runs.csv'));
    })());

  afterAll(() => work && rmSync(work, { recursive: true, force: true }));

  const cell = (scenario: string, metric: string, versus: string) => cells.find((c) => c.scenario === scenario && c.metric === metric && c.versus === versus) as Record<string, string>;
  const column = (name: string, metric: string) => runs.filter((r) => r.scenario === name).map((r) => csvNumber(r[metric]));
  /** The printed number, read back: shown to three significant digits. */
  const close = (shown: string, expected: number, what: string) => {
    const v = Number(shown.replace(/,/g, ''));
    expect(Math.abs(v - expected), `${what}: ${shown} against ${expected}`).toBeLessThanOrEqual(Math.max(5e-3 * Math.abs(expected), 1e-9));
  };

  it('compare.csv holds the mean, sd and interval of compare-runs.csv, and every paired difference', async () => {
    await demo();
    for (const name of names) {
      for (const versus of names.filter((n) => n !== name)) {
        for (const metric of ['gap_final', 'final.gini', 'spending_total', 'rural_share']) {
          const mine = column(name, metric);
          const theirs = column(versus, metric);
          const c = cell(name, metric, versus);
          const s = stats(mine);
          const d = stats(mine.map((v, k) => v - theirs[k]));
          expect(c.seeds).toBe('3');
          expectNumber(c.mean, s.mean, `${name}/${metric} mean`);
          expectNumber(c.sd, s.sd, `${name}/${metric} sd`);
          expectNumber(c.ci95_lo, s.lo, `${name}/${metric} lo`);
          expectNumber(c.diff, d.mean, `${name}-${versus}/${metric} diff`);
          expectNumber(c.diff_ci95_hi, d.hi, `${name}-${versus}/${metric} diff hi`);
        }
      }
    }
  }, 90_000);

  it('the table shows the reference’s means ± sd and the others’ paired differences ± sd, metric by metric', async () => {
    await demo();
    const lines = printed.split('\n');
    for (const metric of COMPARE_METRICS) {
      const line = lines.find((l) => l.startsWith(`${metric} `));
      expect(line, metric).toBeDefined();
      const shown = (line as string).slice(metric.length).trim().split(/ {2,}/);
      expect(shown).toHaveLength(3);
      const [mean, sd] = shown[0].split(' ±');
      close(mean, stats(column(names[0], metric)).mean, `${metric} mean`);
      close(sd, stats(column(names[0], metric)).sd, `${metric} sd`);
      for (const k of [1, 2]) {
        const d = stats(column(names[k], metric).map((v, i) => v - column(names[0], metric)[i]));
        const [diff, dsd] = shown[k].split(' ±');
        close(diff, d.mean, `${names[k]} ${metric} diff`);
        close(dsd, d.sd, `${names[k]} ${metric} diff sd`);
      }
    }
  }, 90_000);

  it('the reading quotes the reference’s start and end, each programme’s difference to it, and the smallest gap', async () => {
    await demo();
    const start = stats(runs.filter((r) => r.scenario === names[0]).map((r) => csvNumber(r.dpd_initial))).mean;
    const end = stats(column(names[0], 'gap_final')).mean;
    const quoted = printed.match(/the urban–rural gap \|DPD\| goes from (\S+) to (\S+) over 8 years/);
    expect(quoted).not.toBeNull();
    close((quoted as RegExpMatchArray)[1], Math.abs(start), 'start');
    close((quoted as RegExpMatchArray)[2], end, 'end');
    const ends = names.map((n) => stats(column(n, 'gap_final')).mean);
    for (const k of [1, 2]) {
      const m = printed.match(new RegExp(`ends at (\\S+), (\\S+) against the reference`, 'g'));
      expect(m).not.toBeNull();
      const found = (m as RegExpMatchArray).map((x) => x.match(/ends at (\S+), (\S+) against/) as RegExpMatchArray).find((x) => Math.abs(Number(x[1]) - ends[k]) <= 5e-3 * ends[k]);
      expect(found, `${names[k]} ends at ${ends[k]}`).toBeDefined();
      close((found as RegExpMatchArray)[2], ends[k] - ends[0], `${names[k]} difference`);
    }
    const best = ends.indexOf(Math.min(...ends));
    expect(printed).toMatch(new RegExp(`leaves the smallest gap \\((\\S+)\\)`));
    close((printed.match(/leaves the smallest gap \((\S+)\)/) as RegExpMatchArray)[1], ends[best], 'smallest gap');
  }, 90_000);
});
