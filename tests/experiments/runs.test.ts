import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  commonSeeds,
  COMPARE_METRICS,
  compareCells,
  ComparisonStopped,
  compareInto,
  formatComparison,
  pairCells,
  referenceIndex,
  runComparison,
  verdictCounts,
  writeComparison,
  type ComparedScenario,
} from '../../src/experiments/compare.ts';
import { loadComparisonFile } from '../../src/experiments/comparisonFile.ts';
import { comparisonFacts, readComparison } from '../../src/experiments/reading.ts';
import { comparisonReading } from '../../src/report/comparisonReading.ts';
import { display, loadExperiment, pointArgs, pointScenario, rerunCommand, setArg, shellQuote } from '../../src/experiments/load.ts';
import { RUN_METRICS } from '../../src/experiments/metrics.ts';
import { probeFinalMetrics } from '../../src/experiments/probe.ts';
import { replicationSeeds } from '../../src/experiments/seeds.ts';
import { finishedRuns, readRecord, recordPath } from '../../src/experiments/store.ts';
import { runSweep } from '../../src/experiments/sweep.ts';
import { executeRun } from '../../src/experiments/task.ts';
import { runScenario } from '../../src/run/runScenario.ts';
import { InputError, loadScenario } from '../../src/scenario/load.ts';
import { experimentError, handSummary, naiveStats, readCsvRecords, ROOT, tempDir, treeDiff, writeExperiment } from './helpers.ts';

/**
 * Experiments that load scenarios or run the model, kept tiny (200 residents, 3 ticks) and run
 * inside each test so mutation testing sees what every test reaches: loading and checking an
 * experiment, sweeps in this thread and on workers (interrupted, sharded, failing), one task,
 * the probe, and comparisons (their statistics on summaries written by hand, their files).
 */

const TINY = 'name: tiny\nseed: 1\nticks: 3\nworld: { residents: 200 }\n';

const said = (text: string, base?: string) => {
  const e = experimentError(text, base ?? TINY);
  return `${e.field}:${e.line}: ${e.expected}`;
};

describe('loading an experiment', () => {
  it('shows paths relative to the working directory when inside it', () => {
    expect(display(join(ROOT, 'a', 'b.yaml'))).toBe(join('a', 'b.yaml'));
    expect(display('/elsewhere/x.yaml')).toBe('/elsewhere/x.yaml');
    expect(display(ROOT)).toBe(ROOT);
  });

  it('quotes shell arguments only when they need it', () => {
    expect(shellQuote('a.b=1,2:x/y+z@w%-_')).toBe('a.b=1,2:x/y+z@w%-_');
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('$x')).toBe("'$x'");
  });

  it('writes --set values plainly when YAML reads them back the same, quoted otherwise', () => {
    expect(setArg('a', 0.5)).toBe('a=0.5');
    expect(setArg('a', 'core-first')).toBe('a=core-first');
    expect(setArg('a', true)).toBe('a=true');
    expect(setArg('a', 'true')).toBe('a="true"');
    expect(setArg('a', '1.5')).toBe('a="1.5"');
    expect(setArg('a', '{')).toBe('a="{"');
    expect(setArg('a', [1, 'x'])).toBe('a=[1,"x"]');
    expect(setArg('a', 1e21)).toBe('a=1e+21');
    expect(() => setArg('p.q', undefined)).toThrow('value at p.q cannot be written as --set');
  });

  it('resolves a plan: name, base, fixed overrides, points, seeds, hashes, and the progress it reports', () => {
    const dir = tempDir();
    const path = writeExperiment(
      dir,
      'base: tiny.yaml\nseed: 9\nreplications: 2\nset:\n  world.residents: 150\n  fiscal.mode: fixed\nparameters:\n  talent.barrier: [0.2, 0.4]\n  rights.rentShare: { values: [0.1] }\nmetrics: [dpd_final, final.gini]\n',
      TINY,
    );
    const progress: [number, number][] = [];
    const plan = loadExperiment(path, (a, b) => progress.push([a, b]));
    expect(progress).toEqual([[2, 2]]);
    expect(plan).toMatchObject({
      file: display(path),
      name: 'experiment',
      base: display(join(dir, 'tiny.yaml')),
      fixed: ['world.residents=150', 'fiscal.mode=fixed'],
      seed: 9,
      replications: 2,
      design: { type: 'factorial' },
      parameters: ['talent.barrier', 'rights.rentShare'],
      points: [[0.2, 0.1], [0.4, 0.1]],
      morris: null,
      metrics: ['dpd_final', 'final.gini'],
      perRunMetrics: false,
      seeds: replicationSeeds(9, 2),
    });
    expect(pointArgs(plan, 1)).toEqual(['world.residents=150', 'fiscal.mode=fixed', 'talent.barrier=0.4', 'rights.rentShare=0.1']);
    const s = pointScenario(plan, 1, 77);
    expect([s.seed, s.world.residents, s.fiscal.mode, s.talent.barrier, s.rights.rentShare]).toEqual([77, 150, 'fixed', 0.4, 0.1]);
    expect(plan.pointHashes).toHaveLength(2);
    expect(plan.pointHashes[0]).not.toBe(plan.pointHashes[1]);
    expect(rerunCommand(plan, 1, 0)).toBe(`urd run ${plan.base} --seed ${plan.seeds[0]} --set world.residents=150 --set fiscal.mode=fixed --set talent.barrier=0.4 --set rights.rentShare=0.1`);
    // A name is made from the file name when none is given, with unsafe characters replaced.
    const odd = join(dir, 'my exp+1.yaml');
    writeFileSync(odd, 'base: tiny.yaml\n');
    expect(loadExperiment(odd).name).toBe('my_exp_1');
    writeFileSync(odd, 'name: given\nbase: tiny.yaml\n');
    expect(loadExperiment(odd).name).toBe('given');
  });

  it('generates lhs and morris points from the experiment seed', () => {
    const lhs = loadExperiment(writeExperiment(tempDir(), 'base: tiny.yaml\nseed: 3\ndesign: { type: lhs, samples: 3 }\nparameters:\n  talent.barrier: { min: 0, max: 1 }\nmetrics: [dpd_final]\n', TINY));
    expect(lhs.points).toHaveLength(3);
    expect(lhs.points.map((p) => Math.floor((p[0] as number) * 3)).sort()).toEqual([0, 1, 2]);
    expect(lhs.morris).toBeNull();
    const morris = loadExperiment(writeExperiment(tempDir(), 'base: tiny.yaml\nseed: 3\ndesign: { type: morris, trajectories: 2, levels: 4 }\nparameters:\n  talent.barrier: { min: 0, max: 1 }\n  diffusion.q: { min: 0.1, max: 0.4 }\nmetrics: [dpd_final]\n', TINY));
    expect(morris.points).toHaveLength(6);
    expect(morris.morris?.trajectories).toHaveLength(2);
    expect(morris.morris?.delta).toBeCloseTo(2 / 3, 15);
  });

  it('blames each problem on the experiment field and line that caused it', () => {
    expect(said('base: tiny.yaml\ndesign: { type: lhs }\n')).toBe('parameters:1: expected at least one parameter for the lhs design');
    expect(said('base: tiny.yaml\ndesign: { type: morris, levels: 4 }\n')).toBe('parameters:1: expected at least one parameter for the morris design');
    expect(said('base: tiny.yaml\ndesign: { type: morris, trajectories: 4, levels: 5 }\nparameters:\n  talent.barrier: { min: 0, max: 1 }\n')).toBe('design.levels:2: expected an even number of levels, got 5');
    expect(said('base: tiny.yaml\ndesign: { type: morris, trajectories: 10000, levels: 4 }\nparameters:\n  a.b: { min: 0, max: 1 }\n  c.d: { min: 0, max: 1 }\n  e.f: { min: 0, max: 1 }\n  g.h: { min: 0, max: 1 }\n  i.j: { min: 0, max: 1 }\n  k.l: { min: 0, max: 1 }\n  m.n: { min: 0, max: 1 }\n  o.p: { min: 0, max: 1 }\n  q.r: { min: 0, max: 1 }\n  s.t: { min: 0, max: 1 }\n')).toBe(
      'design.trajectories:2: 110000 points; expected at most 100000',
    );
    const grid = (n: number) => `[${Array.from({ length: n }, (_, i) => i).join(', ')}]`;
    expect(said(`base: tiny.yaml\nparameters:\n  a.b: ${grid(400)}\n  c.d: ${grid(251)}\n`)).toBe('parameters:3: 100400 points in the grid; expected at most 100000');
    expect(said(`base: tiny.yaml\nreplications: 10000\nparameters:\n  a.b: ${grid(101)}\n`)).toBe('replications:2: 1010000 runs in all; expected at most 1000000');
    expect(said('base: tiny.yaml\nset:\n  a..b: 1\n')).toBe('set.a..b:3: expected a scenario field path such as capital.alpha');
    expect(said('base: tiny.yaml\nset:\n  seed: 4\n')).toBe('set.seed:3: the seed is set per run from the experiment seed; set the experiment `seed` instead');
    expect(said('base: tiny.yaml\nset:\n  talent: { barrier: 1 }\nparameters:\n  talent.barrier: [1, 2]\n')).toBe('parameters.talent.barrier:5: also set under set: talent; keep one of them');
    expect(said('base: tiny.yaml\nset:\n  talent.barrier: 1\nparameters:\n  talent.barrier: [1, 2]\n')).toBe('parameters.talent.barrier:5: also set under set: talent.barrier; keep one of them');
    expect(said('base: tiny.yaml\nset:\n  talent.barrier.x: 1\nparameters:\n  talent.barrier: [1, 2]\n')).toBe('parameters.talent.barrier:5: also set under set: talent.barrier.x; keep one of them');
    expect(said('base: tiny.yaml\nset:\n  talent.barrierx: 1\nparameters:\n  talent.barrier: [1, 2]\n')).not.toMatch(/also set under/);
    expect(said('base: tiny.yaml\nparameters:\n  __proto__: [1]\n')).toBe('parameters.__proto__:3: "__proto__" is not a scenario field');
    expect(said('base: tiny.yaml\nset:\n  constructor: 1\n')).toBe('set.constructor:3: "constructor" is not a scenario field');
    expect(said('base: tiny.yaml\nset:\n  prototype: 1\n')).toBe('set.prototype:3: "prototype" is not a scenario field');
    expect(said('base: tiny.yaml\nmetrics: [dpd_final, dpd_final]\n')).toBe('metrics.1:2: metric "dpd_final" is listed twice');
    expect(said('base: tiny.yaml\ntitle: { en: A, fr: B }\n')).toMatch(/^title\.fr:2: /);
    expect(said('base: tiny.yaml\nreplications: 2\nunknown: 1\n')).toBe('unknown:3: unknown field "unknown"');
    expect(said('base: missing.yaml\n')).toMatch(/^base:1: file .*missing\.yaml not found$/);
  });

  it('blames a bad value on its parameter, with the point and the value clipped', () => {
    const long = 'x'.repeat(80);
    expect(said(`base: tiny.yaml\nparameters:\n  fiscal.mode: [share, ${long}]\n`)).toMatch(new RegExp(`^parameters\\.fiscal\\.mode:3: .*\\(scenario field fiscal\\.mode, point 1, value "${'x'.repeat(56)}\\.\\.\\.\\)$`));
    expect(said('base: tiny.yaml\nparameters:\n  talent.barrier: [0.5, -1]\n')).toMatch(/^parameters\.talent\.barrier:3: expected a value ≥ 0, got -1 \(scenario field talent\.barrier, point 1, value -1\)$/);
    expect(said('base: tiny.yaml\nset:\n  talent.barrier: -1\n')).toMatch(/^set\.talent\.barrier:3: expected a value ≥ 0, got -1 \(scenario field talent\.barrier\)$/);
    expect(said('base: tiny.yaml\nset:\n  talent: { barrier: -1 }\n')).toBe("set.talent:3: expected a value ≥ 0, got -1 (scenario field talent)");
    // A problem in the base itself, not caused by the experiment, names the base file.
    const e = experimentError('base: tiny.yaml\nparameters:\n  talent.barrier: [0.5]\n', TINY.replace('ticks: 3', 'ticks: -3'));
    expect(e.file).toMatch(/tiny\.yaml$/);
    expect(e.field).toBe('ticks');
  });

  it('reads fields and errors through extends, blaming the file that sets the field', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'tiny.yaml'), TINY);
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'parent.yaml'), 'base: tiny.yaml\nseed: 4\nreplications: 0\n');
    writeFileSync(join(dir, 'sub', 'child.yaml'), 'extends: ../parent.yaml\nmetrics: [dpd_final]\n');
    try {
      loadExperiment(join(dir, 'sub', 'child.yaml'));
      throw new Error('expected a refusal');
    } catch (err) {
      expect(err).toMatchObject({ file: display(join(dir, 'parent.yaml')), field: 'replications', line: 3 });
    }
    writeFileSync(join(dir, 'parent.yaml'), 'base: tiny.yaml\nseed: 4\n');
    const plan = loadExperiment(join(dir, 'sub', 'child.yaml'));
    // base is relative to the file that sets it.
    expect(plan.base).toBe(display(join(dir, 'tiny.yaml')));
    expect(plan.seed).toBe(4);
    writeFileSync(join(dir, 'sub', 'child.yaml'), 'extends: ../parent.yaml\nreplications: 0\n');
    expect(() => loadExperiment(join(dir, 'sub', 'child.yaml'))).toThrow(expect.objectContaining({ file: display(join(dir, 'sub', 'child.yaml')), line: 2 }));
    // Set in both: the file whose value counts (the child) is blamed.
    writeFileSync(join(dir, 'parent.yaml'), 'base: tiny.yaml\nseed: 4\nreplications: 0\n');
    expect(() => loadExperiment(join(dir, 'sub', 'child.yaml'))).toThrow(expect.objectContaining({ file: display(join(dir, 'sub', 'child.yaml')), line: 2 }));

  });

  it('probes the final metrics of a small copy of the scenario', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 't.yaml'), 'name: t\nticks: 50\nworld: { residents: 5000 }\n');
    const s = loadScenario(join(dir, 't.yaml'));
    const names = probeFinalMetrics(s);
    expect(names).toEqual(Object.keys(runScenario({ ...s, ticks: 1, world: { ...s.world, residents: 1000 } }).summary.final));
    expect(names).toContain('gini');
    expect(names.some((n) => n.includes(':'))).toBe(false);
  });
});

describe('a sweep in this thread', () => {
  const EXP = 'name: inproc\nbase: tiny.yaml\nseed: 2\nreplications: 2\nparameters:\n  talent.barrier: [0.2, 1.4]\nmetrics: [dpd_final, final.gini]\n';

  it('runs every run, reports progress, writes runs.csv and aggregate.csv, and skips what is done', async () => {
    const work = tempDir();
    const plan = loadExperiment(writeExperiment(work, EXP, TINY));
    const dir = join(work, 'out');
    const progress: string[] = [];
    const r = await runSweep(plan, { dir, workers: 1, onProgress: (d, t) => progress.push(`${d}/${t}`) });
    expect(r).toEqual({ total: 4, skipped: 0, ran: 4, interrupted: false, finalized: true });
    expect(progress).toEqual(['0/4', '1/4', '2/4', '3/4', '4/4']);
    expect(readdirSync(dir).sort()).toEqual(['aggregate.csv', 'runs', 'runs.csv', 'sweep.json']);
    const runs = readCsvRecords(join(dir, 'runs.csv'));
    expect(runs.map((x) => [x.run, x.point, x.replication, x.seed])).toEqual([
      ['0', '0', '0', String(plan.seeds[0])],
      ['1', '0', '1', String(plan.seeds[1])],
      ['2', '1', '0', String(plan.seeds[0])],
      ['3', '1', '1', String(plan.seeds[1])],
    ]);
    // Each row is the run `urd run` would make: same seed and parameter value.
    const again = runScenario(pointScenario(plan, 1, plan.seeds[1])).summary;
    expect(runs[3].dpd_final).toBe(String(again.dpd.final));
    expect(readRecord(dir, plan, 3)?.summary).toEqual(JSON.parse(JSON.stringify(again)));
    const agg = readCsvRecords(join(dir, 'aggregate.csv')).find((a) => a.point === '1' && a.metric === 'final.gini') as Record<string, string>;
    expect(Number(agg.mean)).toBeCloseTo(naiveStats([Number(runs[2]['final.gini']), Number(runs[3]['final.gini'])]).mean, 14);
    // Nothing left to do: a second call runs nothing and rewrites the same files.
    const before = readFileSync(join(dir, 'runs.csv'), 'utf8');
    rmSync(join(dir, 'runs', '0002.json'));
    const r2 = await runSweep(plan, { dir, workers: 1 });
    expect(r2).toEqual({ total: 4, skipped: 3, ran: 1, interrupted: false, finalized: true });
    expect(readFileSync(join(dir, 'runs.csv'), 'utf8')).toBe(before);
  }, 60_000);

  it('a shard runs only its runs and leaves runs.csv to the merge; an abort stops between runs', async () => {
    const work = tempDir();
    const plan = loadExperiment(writeExperiment(work, EXP, TINY));
    const dir = join(work, 'out');
    const r = await runSweep(plan, { dir, workers: 1, shard: { index: 1, count: 3 } });
    expect(r).toEqual({ total: 1, skipped: 0, ran: 1, interrupted: false, finalized: false });
    expect([...finishedRuns(dir, plan)]).toEqual([0, 1, 0, 0]);
    expect(existsSync(join(dir, 'runs.csv'))).toBe(false);
    writeFileSync(join(dir, 'runs', '0009.json.partial'), 'x');
    const stop = new AbortController();
    const progress: number[] = [];
    const cut = await runSweep(plan, { dir, workers: 1, signal: stop.signal, onProgress: (d) => (progress.push(d), d === 2 && stop.abort()) });
    expect(cut).toEqual({ total: 4, skipped: 1, ran: 1, interrupted: true, finalized: false });
    expect(progress).toEqual([1, 2]);
    expect(readdirSync(dir).sort()).toEqual(['runs', 'sweep.json']);
    expect(readdirSync(join(dir, 'runs')).sort()).toEqual(['0000.json', '0001.json']);
    // A shard's interruption leaves other shards' partial files alone.
    writeFileSync(join(dir, 'runs', '0009.json.partial'), 'x');
    const shardStop = new AbortController();
    shardStop.abort();
    expect(await runSweep(plan, { dir, workers: 1, shard: { index: 0, count: 2 }, signal: shardStop.signal })).toEqual({ total: 2, skipped: 1, ran: 0, interrupted: true, finalized: false });
    expect(existsSync(join(dir, 'runs', '0009.json.partial'))).toBe(true);
  }, 60_000);

  it('refuses a base changed since the sweep started, and names a failed run with its rerun command', async () => {
    const work = tempDir();
    const plan = loadExperiment(writeExperiment(work, EXP, TINY));
    const dir = join(work, 'out');
    writeFileSync(join(work, 'tiny.yaml'), TINY.replace('ticks: 3', 'ticks: 4'));
    await expect(runSweep(plan, { dir, workers: 1 })).rejects.toThrow(`changed since the sweep started (point 0 now resolves to another scenario); restore it or start a new sweep`);
    // An input error stays one (exit 2), not wrapped as a failed run.
    await expect(runSweep(plan, { dir, workers: 1 })).rejects.toBeInstanceOf(InputError);
    expect(existsSync(join(dir, 'runs.csv.partial'))).toBe(false);
    writeFileSync(join(work, 'tiny.yaml'), TINY);
    // A run that cannot write its folder: a file stands where run 0's folder goes.
    const perRun = loadExperiment(writeExperiment(work, EXP + 'perRunMetrics: true\n', TINY));
    const dir2 = join(work, 'out2');
    mkdirSync(join(dir2, 'runs'), { recursive: true });
    writeFileSync(join(dir2, 'sweep.json'), '');
    rmSync(join(dir2, 'sweep.json'));
    writeFileSync(join(dir2, 'runs', '0000'), 'in the way');
    await expect(runSweep(perRun, { dir: dir2, workers: 1 })).rejects.toThrow(/0000/);
    await expect(runSweep(plan, { dir: dir2, workers: 1 })).rejects.toThrow(/holds a different sweep: its sweep\.json does not match what .* resolves to now/);
  }, 60_000);

  it('executes one task: its record holds the run and the summary of that scenario', () => {
    const dir = tempDir();
    const s = { ...loadScenario(writeExperiment(dir, 'x: 1\n', TINY).replace('experiment.yaml', 'tiny.yaml')), seed: 31 };
    const path = join(dir, 'r.json');
    expect(executeRun({ scenario: s, run: 5, point: 2, replication: 1, pointHash: 'h', recordPath: path, runDir: join(dir, 'run') })).toBe(5);
    const rec = JSON.parse(readFileSync(path, 'utf8'));
    expect(rec).toEqual({ run: 5, point: 2, replication: 1, seed: 31, pointHash: 'h', summary: JSON.parse(JSON.stringify(runScenario(s).summary)) });
    expect(existsSync(join(dir, 'run', 'metrics.csv'))).toBe(true);
    expect(executeRun({ scenario: s, run: 6, point: 2, replication: 1, pointHash: 'h', recordPath: join(dir, 'r2.json'), runDir: null })).toBe(6);
    expect(readdirSync(dir).sort()).toEqual(['experiment.yaml', 'r.json', 'r2.json', 'run', 'tiny.yaml']);
  });
});

describe('a sweep on worker threads', () => {
  it('writes the same files as one thread, and stops on an abort', async () => {
    const work = tempDir();
    const plan = loadExperiment(writeExperiment(work, 'name: pool\nbase: tiny.yaml\nreplications: 3\nmetrics: [dpd_final]\n', TINY));
    const one = join(work, 'one');
    const two = join(work, 'two');
    await runSweep(plan, { dir: one, workers: 1 });
    const progress: number[] = [];
    const r = await runSweep(plan, { dir: two, workers: 2, onProgress: (d) => progress.push(d) });
    expect(r).toEqual({ total: 3, skipped: 0, ran: 3, interrupted: false, finalized: true });
    expect(progress).toEqual([0, 1, 2, 3]);
    expect(treeDiff(one, two)).toEqual([]);
    // Aborted before it starts: no run is done, nothing is written but the plan.
    const stop = new AbortController();
    stop.abort();
    const cut = await runSweep(plan, { dir: join(work, 'three'), workers: 2, signal: stop.signal });
    expect(cut).toEqual({ total: 3, skipped: 0, ran: 0, interrupted: true, finalized: false });
    expect(readdirSync(join(work, 'three')).sort()).toEqual(['runs', 'sweep.json']);
    // A base changed under a pooled sweep stops it with the same words as in one thread.
    writeFileSync(join(work, 'tiny.yaml'), TINY.replace('ticks: 3', 'ticks: 4'));
    await expect(runSweep(plan, { dir: join(work, 'four'), workers: 2 })).rejects.toThrow(/changed since the sweep started \(point 0 now resolves/);
    expect(existsSync(join(work, 'four', 'runs.csv.partial'))).toBe(false);
  }, 120_000);
});

describe('comparisons', () => {
  /** Scenarios with hand-written summaries: metric values chosen per seed. */
  function compared(name: string, gaps: number[], verdicts: string[] = gaps.map(() => 'narrowed')): ComparedScenario {
    return {
      scenario: { name, title: name } as ComparedScenario['scenario'],
      summaries: gaps.map((g, k) => {
        const s = handSummary({ seed: 10 + k, verdict: verdicts[k], final: { gini: g / 10 } });
        (s.gap as { gapFinal: number }).gapFinal = g;
        return s;
      }),
      dirs: gaps.map((_, k) => `${name}/seed-${10 + k}`),
    };
  }

  it('cells: each scenario’s mean, sd and interval, and its paired difference to the reference', () => {
    const a = compared('a', [1, 2, 6]);
    const b = compared('b', [2, 2, 5]);
    const cells = compareCells([a, b], ['gap_final', 'verdict'], 1);
    expect(cells.map((c) => `${c.scenario}/${c.metric}`)).toEqual(['a/gap_final', 'a/verdict', 'b/gap_final', 'b/verdict']);
    const s = naiveStats([1, 2, 6]);
    const d = naiveStats([-1, 0, 1]);
    expect(cells[0]).toMatchObject({ scenario: 'a', metric: 'gap_final', seeds: 3, mean: 3 });
    expect(cells[0].sd).toBeCloseTo(s.sd, 14);
    expect(cells[0].lo).toBeCloseTo(s.lo, 9);
    expect(cells[0].hi).toBeCloseTo(s.hi, 9);
    expect(cells[0].diffMean).toBe(0);
    expect(cells[0].diffSd).toBe(1);
    expect(cells[0].diffLo).toBeCloseTo(d.lo, 9);
    expect(cells[0].diffHi).toBeCloseTo(d.hi, 9);
    // The reference against itself: differences all 0; a categorical metric is NaN.
    expect(cells[2]).toMatchObject({ mean: 3, diffMean: 0, diffSd: 0 });
    expect(cells[1].mean).toBeNaN();
    expect(compareCells([a, b], ['gap_final'])[1].diffMean).toBe(0);
    expect(compareCells([a, b], ['gap_final'])[0].diffMean).toBe(0);
    expect(compareCells([a, b], ['final.gini'], 1)[0].diffMean).toBeCloseTo(0, 15);
    const pairs = pairCells([a, b, compared('c', [0, 0, 0])], ['gap_final']);
    expect(pairs.map((p) => `${p.scenario}-${p.versus}:${p.mean}`)).toEqual(['a-b:0', 'a-c:3', 'b-a:0', 'b-c:3', 'c-a:-3', 'c-b:-3']);
    expect(pairs[1]).toMatchObject({ seeds: 3, metric: 'gap_final', sd: s.sd });
    expect(pairs[1].lo).toBeCloseTo(s.lo, 9);
    expect(pairs[1].hi).toBeCloseTo(s.hi, 9);
  });

  it('the reading: its sentences joined by spaces in English, run together in Chinese', () => {
    const list = [compared('a', [2, 3]), compared('b', [1, 1])];
    const cells = compareCells(list, COMPARE_METRICS);
    const facts = comparisonFacts(list, cells);
    expect(readComparison(list, cells)).toBe(comparisonReading(facts, 'en', '-').join(' '));
    expect(readComparison(list, cells, 0, 'zh')).toBe(comparisonReading(facts, 'zh', '-').join(''));
    expect(comparisonReading(facts, 'zh', '-').length).toBeGreaterThan(1);
  });

  it('verdict counts, most frequent first; the reference found by name', () => {
    expect(verdictCounts(compared('a', [1, 2, 3, 4], ['widened', 'narrowed', 'narrowed', 'unchanged']))).toBe('narrowed 2/4, widened 1/4, unchanged 1/4');
    expect(verdictCounts(compared('a', [1]), 'recent')).toBe('flat 1/1');
    const list = [compared('a', [1]), compared('b', [1])];
    expect(referenceIndex(list)).toBe(0);
    expect(referenceIndex(list, 'b')).toBe(1);
    expect(referenceIndex(list, 'z')).toBe(-1);
    expect(referenceIndex(list.map((r) => r.scenario), 'b')).toBe(1);
    expect(commonSeeds(4, 3)).toEqual([4, 5, 6]);
  });

  it('the table: reference means ± sd, the others’ differences ± sd, in columns that never touch', () => {
    const a = compared('a', [1, 2, 6], ['widened', 'widened', 'narrowed']);
    const longer = compared('b-is-long', [2, 2, 5]);
    const text = formatComparison([a, longer], compareCells([a, longer], ['gap_final', 'final.gini']), ['gap_final', 'final.gini'], 0);
    expect(text.split('\n')).toEqual([
      'metric                     a (reference)     b-is-long',
      'verdict (net)  widened 2/3, narrowed 1/3  narrowed 3/3',
      'recent                          flat 3/3      flat 3/3',
      'gap_final                        3 ±2.65          0 ±1',
      'final.gini                    0.3 ±0.265        0 ±0.1',
      '(a: mean ± sd over 3 seed(s); other columns: paired difference to a ± sd of the differences)',
    ]);
    // Spreads below a millionth of the larger mean of the two read 0 (they are rounding noise at that scale).
    const big = [compared('a', [1e6, 1e6]), compared('b', [0, 2e-4])];
    expect(formatComparison(big, compareCells(big, ['gap_final']), ['gap_final']).split('\n')[3]).toBe('gap_final         1000000 ±0   -1000000 ±0');
    // Differences signed, three significant digits, no thousands separator: 1500 − 5 shows as +1500.
    const one = [compared('x', [2]), compared('y', [5]), compared('z', [1500])];
    expect(formatComparison(one, compareCells(one, ['gap_final'], 1), ['gap_final'], 1).split('\n')).toEqual([
      'metric                    x  y (reference)             z',
      'verdict (net)  narrowed 1/1   narrowed 1/1  narrowed 1/1',
      'recent             flat 1/1       flat 1/1      flat 1/1',
      'gap_final                -3              5         +1500',
      '(y: mean over 1 seed(s); other columns: paired difference to y)',
    ]);
  });

  it('writes compare.csv with every ordered pair, compare-runs.csv with every run, and compare.json', () => {
    const dir = tempDir();
    const list = [compared('a', [1, 3]), compared('b', [2, 2]), compared('c', [0, 4])];
    const cells = compareCells(list, ['gap_final', 'final.gini']);
    writeComparison(dir, list, cells, { reference: 'a', text: { title: 'T', question: 'Q?' } });
    const rows = readCsvRecords(join(dir, 'compare.csv'));
    expect(readFileSync(join(dir, 'compare.csv'), 'utf8').split('\n')[0]).toBe('scenario,metric,seeds,mean,sd,ci95_lo,ci95_hi,versus,diff,diff_sd,diff_ci95_lo,diff_ci95_hi');
    expect(rows.map((r) => `${r.scenario}/${r.metric}/${r.versus}`)).toEqual([
      'a/gap_final/b', 'a/gap_final/c', 'a/final.gini/b', 'a/final.gini/c',
      'b/gap_final/a', 'b/gap_final/c', 'b/final.gini/a', 'b/final.gini/c',
      'c/gap_final/a', 'c/gap_final/b', 'c/final.gini/a', 'c/final.gini/b',
    ]);
    const cb = rows[9];
    expect(cb).toMatchObject({ seeds: '2', mean: '2', diff: '0' });
    expect(Number(cb.sd)).toBeCloseTo(naiveStats([0, 4]).sd, 14);
    expect(Number(cb.diff_sd)).toBeCloseTo(naiveStats([-2, 2]).sd, 14);
    expect(Number(cb.diff_ci95_lo)).toBeCloseTo(naiveStats([-2, 2]).lo, 9);
    expect(Number(rows[1].diff)).toBe(0);
    const runs = readCsvRecords(join(dir, 'compare-runs.csv'));
    const keys = Object.keys(RUN_METRICS).filter((k) => k !== 'verdict' && k !== 'recent');
    expect(readFileSync(join(dir, 'compare-runs.csv'), 'utf8').split('\n')[0]).toBe(['scenario', 'seed', 'verdict', 'recent', 'run_dir', ...keys, 'final.gini', 'final.theil', 'final.spending_capital'].join(','));
    expect(runs.map((r) => [r.scenario, r.seed, r.run_dir, r.gap_final, r['final.theil']])).toEqual([
      ['a', '10', 'a/seed-10', '1', 'NA'], ['a', '11', 'a/seed-11', '3', 'NA'],
      ['b', '10', 'b/seed-10', '2', 'NA'], ['b', '11', 'b/seed-11', '2', 'NA'],
      ['c', '10', 'c/seed-10', '0', 'NA'], ['c', '11', 'c/seed-11', '4', 'NA'],
    ]);
    expect(runs[0]).toMatchObject({ verdict: 'narrowed', recent: 'flat', halving_tick: 'NA', spending_total: '7.5' });
    expect(JSON.parse(readFileSync(join(dir, 'compare.json'), 'utf8'))).toEqual({ reference: 'a', scenarios: ['a', 'b', 'c'], seeds: [10, 11], title: 'T', question: 'Q?' });
    writeComparison(dir, list, cells, { reference: 'b' });
    expect(readFileSync(join(dir, 'compare.json'), 'utf8')).toBe(`${JSON.stringify({ reference: 'b', scenarios: ['a', 'b', 'c'], seeds: [10, 11] }, null, 2)}\n`);
  });

  it('runs every scenario on the same seeds into its folders, and stops when asked', async () => {
    const dir = tempDir();
    const base = loadScenario(writeExperiment(dir, 'x: 1\n', TINY).replace('experiment.yaml', 'tiny.yaml'));
    const scenarios = [{ ...base, name: 'one' }, { ...base, name: 'two', talent: { ...base.talent, barrier: 1.6 } }];
    const done: string[] = [];
    const results = await runComparison(scenarios, [3, 4], '/shown', (d, t) => done.push(`${d}/${t}`), join(dir, 'stage'));
    expect(done).toEqual(['1/4', '2/4', '3/4', '4/4']);
    expect(results.map((r) => r.dirs)).toEqual([['/shown/one/seed-3', '/shown/one/seed-4'], ['/shown/two/seed-3', '/shown/two/seed-4']]);
    expect(results.map((r) => r.summaries.map((s) => s.seed))).toEqual([[3, 4], [3, 4]]);
    expect(results[1].summaries[1]).toEqual(runScenario({ ...scenarios[1], seed: 4 }).summary);
    expect(readdirSync(join(dir, 'stage')).sort()).toEqual(['one', 'two']);
    expect(readdirSync(join(dir, 'stage', 'two')).sort()).toEqual(['seed-3', 'seed-4']);
    // Without a progress callback the count is still kept (it was 0: the increment sat inside onRun?.(...)).
    let asked = 0;
    await expect(runComparison(scenarios, [3, 4], join(dir, 'stopped'), undefined, undefined, () => ++asked > 3)).rejects.toThrow(new ComparisonStopped('stopped after 3 of 4 runs'));
    // The whole comparison: files in the staging folder, reference by name, the reading beside them.
    const out = join(dir, 'whole');
    const { ref, cells } = await compareInto(scenarios, [3], '/final', undefined, { reference: 'two', writeTo: out, text: { title: 'T' } });
    expect(ref).toBe(1);
    expect(cells.find((c) => c.scenario === 'two' && c.metric === 'gap_final')?.diffMean).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['compare-runs.csv', 'compare.csv', 'compare.json', 'one', 'reading.txt', 'two']);
    expect(JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8'))).toMatchObject({ reference: 'two', title: 'T' });
    expect(readFileSync(join(out, 'reading.txt'), 'utf8')).toMatch(/\n$/);
    expect(readCsvRecords(join(out, 'compare-runs.csv'))[0].run_dir).toBe('/final/one/seed-3');
    const unknownRef = await compareInto(scenarios, [3], join(dir, 'w2'), undefined, { reference: 'nobody' });
    expect(unknownRef.ref).toBe(0);
    expect(relative(dir, join(dir, 'w2'))).toBe('w2');
  }, 60_000);
});

describe('comparison files', () => {
  const file = (text: string) => {
    const dir = tempDir();
    const path = join(dir, 'c.yaml');
    writeFileSync(path, text);
    return { dir, path };
  };
  const problems = (text: string) => {
    try {
      loadComparisonFile(file(text).path);
    } catch (err) {
      return err instanceof Error ? err.message.split('\n').map((l) => l.replace(/^.*c\.yaml/, '')) : [];
    }
    return [];
  };

  it('reads scenarios relative to the file, texts in both languages, the reference and the seeds', () => {
    const { dir, path } = file('scenarios: [a.yaml, sub/b.yaml]\ntitle: { en: Orders, zh: 顺序 }\nquestion: Which?\nreference: b\nseeds: 4\n');
    const c = loadComparisonFile(path);
    expect(c.scenarios).toEqual([display(join(dir, 'a.yaml')), display(join(dir, 'sub', 'b.yaml'))]);
    expect(c.text).toEqual({ title: 'Orders', title_zh: '顺序', question: 'Which?' });
    expect(c.reference).toBe('b');
    expect(c.seeds).toBe(4);
    expect(c.source.path).toBe(path);
    const bare = loadComparisonFile(file('scenarios: [a.yaml, b.yaml]\n').path);
    expect(bare.text).toEqual({});
    expect(bare.reference).toBeUndefined();
    expect(bare.seeds).toBeUndefined();
  });

  it('reports every bad field at once, with its line', () => {
    expect(problems('title: x\n')).toEqual([': expected a comparison file (with a scenarios: list) or at least two scenario files (see urd compare --help)']);
    expect(problems('scenarios: [a.yaml]\n')).toEqual([':1: scenarios: expected a list of at least two scenario files (paths relative to this file)']);
    expect(problems('scenarios: a.yaml\n')).toEqual([':1: scenarios: expected a list of at least two scenario files (paths relative to this file)']);
    expect(problems('scenarios: [a.yaml, 3, ""]\nseeds: 0\nreference: 5\ntitle: "  "\nquestion_zh: 7\nsedes: 2\n')).toEqual([
      ':6: sedes: unknown field "sedes" (did you mean "seeds"?); expected one of scenarios, title, title_zh, question, question_zh, reference, seeds',
      ':1: scenarios.1: expected the path of a scenario file, got 3',
      ':1: scenarios.2: expected the path of a scenario file, got ""',
      ':4: title: expected a line of text',
      ':5: question_zh: expected a line of text',
      ':3: reference: expected the name of one of the scenarios',
      ':2: seeds: expected a whole number of seeds ≥ 1, got 0',
    ]);
    expect(problems('scenarios: [a.yaml, b.yaml]\nseeds: 1.5\n')).toEqual([':2: seeds: expected a whole number of seeds ≥ 1, got 1.5']);
    expect(problems('scenarios: [a.yaml, b.yaml]\nseeds: 1\n')).toEqual([]);
    expect(problems('scenarios: [a.yaml, b.yaml]\ntitle: { en: A, de: B }\n')[0]).toMatch(/^:2: title\.de: /);
  });
});
