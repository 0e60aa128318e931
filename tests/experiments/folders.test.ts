import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { aggregateMetricNames, allRecorded, writeAggregates } from '../../src/experiments/aggregate.ts';
import { exportTable, findSources, splitScope } from '../../src/experiments/export.ts';
import type { ExperimentPlan } from '../../src/experiments/load.ts';
import { IncompleteMerge, mergeSweeps } from '../../src/experiments/merge.ts';
import { replicationSeeds, SEED_FUNCTION } from '../../src/experiments/seeds.ts';
import {
  finishedRuns,
  OrderedRows,
  planJson,
  readPlan,
  readRecord,
  recordPath,
  removePartials,
  runCount,
  runId,
  runsHeader,
  runsRow,
  writeRecord,
} from '../../src/experiments/store.ts';
import { finalizeSweep, openSweepDir } from '../../src/experiments/sweep.ts';
import { csvNumber, parseCsvLine } from '../../src/report/read.ts';
import { InputError } from '../../src/scenario/load.ts';
import { handSummary, naiveStats as stats, readCsvRecords as readCsv, tempDir, tree, treeDiff } from './helpers.ts';

/**
 * Sweep folders filled by hand — a plan, and run records whose summaries hold chosen numbers —
 * so what runs.csv, aggregate.csv, morris.csv, a merge and an export must hold is known without
 * running the model, and each is checked against a computation in the test.
 */

const hash = (c: string) => c.repeat(64);

function handPlan(over: Partial<ExperimentPlan> = {}): ExperimentPlan {
  const replications = over.replications ?? 3;
  return {
    file: 'exp.yaml',
    name: 'hand',
    base: 'tiny.yaml',
    fixed: ['world.residents=200'],
    seed: 5,
    replications,
    design: { type: 'factorial' },
    parameters: ['talent.barrier', 'diffusion.mode'],
    points: [[0.5, 'a'], [1.5, 'b c']],
    morris: null,
    metrics: ['verdict', 'dpd_final', 'halving_tick', 'final.gini'],
    perRunMetrics: false,
    seeds: replicationSeeds(5, replications),
    pointHashes: [hash('a'), hash('b')],
    ...over,
  };
}

/** What each run of handPlan() reports: dpd_final, halving tick, verdict and final gini, per run. */
const DPD = [1, 2, 4, 3, 3, 6];
const HALVING = [null, 5, 7, null, null, null];
const VERDICT = ['narrowed', 'widened', 'narrowed', 'widened', 'widened', 'widened'];
const GINI = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];

function record(plan: ExperimentPlan, run: number, dpd = DPD[run] ?? run, halving = HALVING[run] ?? null, verdict = VERDICT[run] ?? 'widened', gini = GINI[run] ?? 0.5) {
  const point = Math.floor(run / plan.replications);
  const replication = run % plan.replications;
  return {
    run,
    point,
    replication,
    seed: plan.seeds[replication],
    pointHash: plan.pointHashes[point],
    summary: handSummary({ verdict, final: { gini }, dpd: { final: dpd, halvingTick: halving } }),
  };
}

/** A sweep folder of the plan holding the records of `runs` (default: all). */
function sweepFolder(dir: string, plan: ExperimentPlan, runs: readonly number[] = Array.from({ length: runCount(plan) }, (_, r) => r), make = (run: number) => record(plan, run)): string {
  openSweepDir(dir, plan);
  for (const run of runs) writeRecord(recordPath(dir, plan, run), make(run));
  return dir;
}

/** Writes the plan's sweep.json edited by `edit` and returns readPlan's refusal ("field: expected"), or null. */
function planProblem(plan: ExperimentPlan, edit: (doc: Record<string, any>) => void): string | null {
  const dir = sweepFolder(tempDir(), plan, []);
  const doc = JSON.parse(planJson(plan));
  edit(doc);
  writeFileSync(join(dir, 'sweep.json'), JSON.stringify(doc));
  try {
    readPlan(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    expect(e.file).toBe(join(dir, 'sweep.json'));
    expect(e.expected).toMatch(/ \(edited by hand\? the sweep.json a sweep writes is never changed afterwards\)$/);
    return `${e.field}: ${e.expected.replace(/ \(edited by hand.*$/, '')}`;
  }
  return null;
}

function expectRow(row: Record<string, string>, xs: readonly number[], what: string) {
  const s = stats(xs);
  expect(Number(row.n), `${what} n`).toBe(s.n);
  for (const [col, v] of [['mean', s.mean], ['sd', s.sd], ['ci95_lo', s.lo], ['ci95_hi', s.hi]] as const) {
    if (Number.isNaN(v)) expect(row[col], `${what} ${col}`).toBe('NA');
    else expect(csvNumber(row[col]), `${what} ${col}`).toBeCloseTo(v, col.startsWith('ci95') ? 9 : 12);
  }
}

describe('run records and sweep.json', () => {
  it('name runs with at least four digits, as many as the last run needs', () => {
    const plan = handPlan();
    expect([0, 5].map((r) => runId(plan, r))).toEqual(['0000', '0005']);
    expect(recordPath('/x', plan, 3)).toBe('/x/runs/0003.json');
    const big = (points: number) => handPlan({ replications: 1, points: Array.from({ length: points }, () => [1, 'a']) });
    expect(runId(big(10_000), 7)).toBe('0007');
    expect(runId(big(10_001), 7)).toBe('00007');
    expect(runId(big(10_001), 10_000)).toBe('10000');
  });

  it('sweep.json holds the plan in a fixed order and reads back to the same plan', () => {
    const plan = handPlan();
    const doc = JSON.parse(planJson(plan));
    expect(Object.keys(doc)).toEqual(['format', 'name', 'experiment', 'base', 'set', 'seed', 'seedFunction', 'replications', 'design', 'parameters', 'metrics', 'perRunMetrics', 'runs', 'seeds', 'morris', 'points']);
    expect(doc).toEqual({
      format: 'urd-sweep/1',
      name: 'hand',
      experiment: 'exp.yaml',
      base: 'tiny.yaml',
      set: ['world.residents=200'],
      seed: 5,
      seedFunction: SEED_FUNCTION,
      replications: 3,
      design: { type: 'factorial' },
      parameters: ['talent.barrier', 'diffusion.mode'],
      metrics: plan.metrics,
      perRunMetrics: false,
      runs: 6,
      seeds: plan.seeds,
      morris: null,
      points: [{ values: [0.5, 'a'], hash: hash('a') }, { values: [1.5, 'b c'], hash: hash('b') }],
    });
    expect(planJson(plan)).toBe(JSON.stringify(doc, null, 1) + '\n');
    const dir = sweepFolder(tempDir(), plan, []);
    expect(readPlan(dir)).toEqual(plan);
  });

  it('a hand-edited sweep.json is refused at the field that disagrees', () => {
    const plan = handPlan();
    const problem = (edit: (doc: Record<string, any>) => void) => planProblem(plan, edit);
    expect(problem(() => {})).toBeNull();
    expect(problem((d) => (d.runs = 7))).toBe('runs: expected 2 points × 3 replications = 6, got 7');
    expect(problem((d) => (d.seeds = d.seeds.slice(0, 2)))).toBe('seeds: expected the 3 seeds that seed 5 derives');
    expect(problem((d) => (d.seeds[2] += 1))).toBe('seeds: expected the 3 seeds that seed 5 derives');
    expect(problem((d) => d.points[1].values.push(3))).toBe('points.1.values: expected 2 values, one per parameter');
    expect(problem((d) => (d.morris = { levels: 4, delta: 0.5, trajectories: [] }))).toBe('morris: expected a Morris plan exactly when the design is morris');
    expect(problem((d) => (d.format = 'urd-sweep/2'))).toMatch(/^format: /);
    expect(problem((d) => delete d.name)).toMatch(/^name: expected string, got nothing/);
    const morris = handPlan({
      design: { type: 'morris', trajectories: 2, levels: 4 },
      replications: 1,
      seeds: replicationSeeds(5, 1),
      points: [[0, 0], [1, 0], [1, 1]],
      pointHashes: [hash('a'), hash('b'), hash('c')],
      morris: { levels: 4, delta: 2 / 3, trajectories: [[{ factor: 0, sign: 1 }, { factor: 1, sign: 1 }]] },
    });
    const morrisProblem = (edit: (doc: Record<string, any>) => void) => planProblem(morris, edit);
    expect(morrisProblem(() => {})).toBeNull();
    expect(readPlan(sweepFolder(tempDir(), morris, []))).toEqual(morris);
    expect(morrisProblem((d) => (d.morris = null))).toBe('morris: expected a Morris plan exactly when the design is morris');
    expect(morrisProblem((d) => d.morris.trajectories[0].pop())).toBe('morris.trajectories: expected 2 steps per trajectory over parameters 0..1');
    expect(morrisProblem((d) => (d.morris.trajectories[0][1].factor = 2))).toBe('morris.trajectories: expected 2 steps per trajectory over parameters 0..1');
    expect(morrisProblem((d) => (d.morris.trajectories[0][1].factor = 1.5))).toMatch(/^morris\.trajectories\.0\.1\.factor: /);
    expect(morrisProblem((d) => d.morris.trajectories.push([{ factor: 0, sign: 1 }, { factor: 1, sign: -1 }]))).toBe('points: expected k + 1 points per Morris trajectory');
    expect(() => readPlan(tempDir())).toThrow(/not a sweep folder \(no sweep\.json\)/);
  });

  it('a record counts only when it is readable, of this plan and this run, with a valid summary', () => {
    const plan = handPlan();
    const dir = sweepFolder(tempDir(), plan, [0, 1, 2, 3, 4]);
    expect(readRecord(dir, plan, 4)).toEqual(JSON.parse(JSON.stringify(record(plan, 4))));
    expect(readRecord(dir, plan, 5)).toBeNull();
    const spoil = (run: number, edit: (r: Record<string, any>) => void) => {
      const r = JSON.parse(JSON.stringify(record(plan, run)));
      edit(r);
      writeFileSync(recordPath(dir, plan, run), JSON.stringify(r));
      return readRecord(dir, plan, run);
    };
    expect(spoil(0, () => {})).not.toBeNull();
    expect(spoil(0, (r) => (r.run = 1))).toBeNull();
    expect(spoil(1, (r) => (r.point = 1))).toBeNull();
    expect(spoil(1, (r) => (r.replication = 0))).toBeNull();
    expect(spoil(2, (r) => (r.seed = plan.seeds[0]))).toBeNull();
    expect(spoil(3, (r) => (r.pointHash = hash('a')))).toBeNull();
    expect(spoil(4, (r) => delete r.summary.verdict)).toBeNull();
    writeFileSync(recordPath(dir, plan, 0), '{ half');
    expect(readRecord(dir, plan, 0)).toBeNull();
    // Runs 0-4 are spoiled now; finishedRuns agrees with readRecord run by run and ignores names that are not records of the plan.
    writeRecord(recordPath(dir, plan, 5), record(plan, 5));
    writeRecord(join(dir, 'runs', '5.json'), record(plan, 5));
    writeRecord(join(dir, 'runs', '0006.json'), record(plan, 5));
    writeFileSync(join(dir, 'runs', 'notes.txt'), 'x');
    expect([...finishedRuns(dir, plan)]).toEqual([0, 0, 0, 0, 0, 1]);
    writeRecord(recordPath(dir, plan, 2), record(plan, 2));
    expect([...finishedRuns(dir, plan)]).toEqual([0, 0, 1, 0, 0, 1]);
    expect([...finishedRuns(tempDir(), plan)]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('runs.csv rows: identifiers, parameter values, metrics (NA when missing) and the rerun command', () => {
    const plan = handPlan();
    const [s0, s1, s2] = plan.seeds;
    expect(runsHeader(plan)).toBe('run,point,replication,seed,talent.barrier,diffusion.mode,verdict,dpd_final,halving_tick,final.gini,command\n');
    expect(runsRow(plan, record(plan, 0))).toBe(`0,0,0,${s0},0.5,a,narrowed,1,NA,0.1,urd run tiny.yaml --seed ${s0} --set world.residents=200 --set talent.barrier=0.5 --set diffusion.mode=a\n`);
    expect(runsRow(plan, record(plan, 5))).toBe(`5,1,2,${s2},1.5,b c,widened,6,NA,0.6,urd run tiny.yaml --seed ${s2} --set world.residents=200 --set talent.barrier=1.5 --set 'diffusion.mode=b c'\n`);
    expect(runsRow(plan, record(plan, 1)).split(',').slice(0, 9).join(',')).toBe(`1,0,1,${s1},0.5,a,widened,2,5`);
  });

  it('runs.csv is written in run order as runs finish in any order, and only when complete', () => {
    const plan = handPlan();
    const dir = sweepFolder(tempDir(), plan);
    const done = new Uint8Array(6);
    done[1] = 1;
    const rows = new OrderedRows(dir, plan, done);
    const partial = join(dir, 'runs.csv.partial');
    const lines = () => readFileSync(partial, 'utf8').split('\n').length - 1;
    expect(lines()).toBe(1);
    expect(rows.complete).toBe(false);
    expect(() => rows.commit()).toThrow('runs.csv is missing runs from 0 on');
    rows.finished(2);
    expect(lines()).toBe(1);
    rows.finished(0);
    expect(lines()).toBe(4);
    for (const r of [5, 4]) rows.finished(r);
    expect(lines()).toBe(4);
    expect(() => rows.commit()).toThrow('runs.csv is missing runs from 3 on');
    rows.finished(3);
    expect(rows.complete).toBe(true);
    rows.commit();
    expect(readFileSync(join(dir, 'runs.csv'), 'utf8')).toBe(runsHeader(plan) + [0, 1, 2, 3, 4, 5].map((r) => runsRow(plan, record(plan, r))).join(''));
    expect(existsSync(partial)).toBe(false);
    // A record that vanished between its run and its row is an error, not a missing row.
    const other = sweepFolder(tempDir(), plan, [1, 2]);
    const flags = new Uint8Array(6);
    flags[1] = 1;
    flags[2] = 1;
    const gone = new OrderedRows(other, plan, flags);
    expect(() => gone.finished(0)).toThrow(`record of run 0 disappeared from ${other}`);
    gone.abandon();
    expect(existsSync(join(other, 'runs.csv.partial'))).toBe(false);
    expect(existsSync(join(other, 'runs.csv'))).toBe(false);
  });

  it('leftover partial files are removed from the folder and runs/, nothing else', () => {
    const plan = handPlan();
    const dir = sweepFolder(tempDir(), plan, [0]);
    writeFileSync(join(dir, 'aggregate.csv.partial'), 'x');
    writeFileSync(join(dir, 'runs', '0001.json.partial'), 'x');
    writeFileSync(join(dir, 'runs', 'keep.partial.txt'), 'x');
    removePartials(dir);
    expect(readdirSync(dir).sort()).toEqual(['runs', 'sweep.json']);
    expect(readdirSync(join(dir, 'runs')).sort()).toEqual(['0000.json', 'keep.partial.txt']);
    removePartials(join(dir, 'nowhere'));
  });
});

describe('aggregate.csv', () => {
  it('n, mean, sd and the 95% interval of each point and metric, recomputed from runs.csv', () => {
    const plan = handPlan();
    const dir = sweepFolder(tempDir(), plan);
    finalizeSweep(dir, plan);
    const runs = readCsv(join(dir, 'runs.csv'));
    const agg = readCsv(join(dir, 'aggregate.csv'));
    expect(readFileSync(join(dir, 'aggregate.csv'), 'utf8').split('\n')[0]).toBe('point,talent.barrier,diffusion.mode,metric,n,mean,sd,ci95_lo,ci95_hi');
    expect(aggregateMetricNames(plan)).toEqual(['verdict=widened', 'verdict=narrowed', 'verdict=unchanged', 'verdict=undetermined', 'dpd_final', 'halving_tick', 'final.gini']);
    expect(agg.map((a) => `${a.point}:${a.metric}`)).toEqual([0, 1].flatMap((p) => aggregateMetricNames(plan).map((m) => `${p}:${m}`)));
    for (const point of ['0', '1']) {
      const mine = runs.filter((r) => r.point === point);
      expect(mine).toHaveLength(3);
      for (const a of agg.filter((x) => x.point === point)) {
        expect([a['talent.barrier'], a['diffusion.mode']]).toEqual([mine[0]['talent.barrier'], mine[0]['diffusion.mode']]);
        const [metric, category] = a.metric.split('=');
        const xs = category ? mine.map((r) => (r[metric] === category ? 1 : 0)) : mine.map((r) => csvNumber(r[metric])).filter(Number.isFinite);
        expectRow(a, xs, `${point}/${a.metric}`);
      }
    }
    // The same numbers, worked out by hand for point 0: dpd 1, 2, 4; halving —, 5, 7.
    const row = (p: string, m: string) => agg.find((a) => a.point === p && a.metric === m) as Record<string, string>;
    expect(csvNumber(row('0', 'dpd_final').mean)).toBeCloseTo(7 / 3, 14);
    expect(csvNumber(row('0', 'dpd_final').sd)).toBeCloseTo(Math.sqrt(7 / 3), 14);
    expect(row('0', 'halving_tick')).toMatchObject({ n: '2', mean: '6' });
    expect(row('1', 'halving_tick')).toMatchObject({ n: '0', mean: 'NA', sd: 'NA', ci95_lo: 'NA', ci95_hi: 'NA' });
    expect(row('1', 'verdict=widened')).toMatchObject({ n: '3', mean: '1', sd: '0', ci95_lo: '1', ci95_hi: '1' });
    expect(csvNumber(row('0', 'verdict=narrowed').mean)).toBeCloseTo(2 / 3, 15);
    expect(existsSync(join(dir, 'morris.csv'))).toBe(false);
    expect(allRecorded(dir, plan)).toBe(true);
  });

  it('a folder standing at morris.csv: the error, and no partial file left', () => {
    const plan = handPlan({
      design: { type: 'morris', trajectories: 2, levels: 2 },
      parameters: ['p'],
      replications: 1,
      seeds: replicationSeeds(5, 1),
      points: [[0], [1], [1], [0]],
      pointHashes: ['a', 'b', 'c', 'd'].map(hash),
      morris: { levels: 2, delta: 1, trajectories: [[{ factor: 0, sign: 1 }], [{ factor: 0, sign: -1 }]] },
      metrics: ['dpd_final'],
    });
    const dir = sweepFolder(tempDir(), plan);
    mkdirSync(join(dir, 'morris.csv', 'x'), { recursive: true });
    expect(() => finalizeSweep(dir, plan)).toThrow(/morris\.csv/);
    expect(readdirSync(dir).sort()).toEqual(['aggregate.csv', 'morris.csv', 'runs', 'runs.csv', 'sweep.json']);
  });

  it('refuses an unfinished sweep and leaves no aggregate.csv', () => {
    const plan = handPlan();
    const dir = sweepFolder(tempDir(), plan, [0, 1, 2, 3, 5]);
    expect(allRecorded(dir, plan)).toBe(false);
    expect(() => writeAggregates(dir, plan)).toThrow(`run 4 has no record in ${dir}; cannot aggregate an unfinished sweep`);
    expect(readdirSync(dir).sort()).toEqual(['runs', 'sweep.json']);
    expect(() => finalizeSweep(dir, plan)).toThrow(`${dir} does not hold every run yet`);
    expect(readdirSync(dir).sort()).toEqual(['runs', 'sweep.json']);
  });

  it('morris.csv: μ, μ*, σ, n and rank of each parameter on the point means, worked out by hand', () => {
    // Two trajectories over parameters p, q on 4 levels (Δ = 2/3); 2 replications at each of the 6 points.
    const plan = handPlan({
      design: { type: 'morris', trajectories: 2, levels: 4 },
      parameters: ['p', 'q'],
      replications: 2,
      seeds: replicationSeeds(5, 2),
      points: [[0, 0], [2 / 3, 0], [2 / 3, 2 / 3], [1, 1], [1, 1 / 3], [1 / 3, 1 / 3]],
      pointHashes: ['a', 'b', 'c', 'd', 'e', 'f'].map(hash),
      morris: {
        levels: 4,
        delta: 2 / 3,
        trajectories: [
          [{ factor: 0, sign: 1 }, { factor: 1, sign: 1 }],
          [{ factor: 1, sign: -1 }, { factor: 0, sign: -1 }],
        ],
      },
      metrics: ['dpd_final', 'verdict', 'final.gini', 'halving_tick'],
    });
    // Point means of dpd_final: 0, 1, 3, 5, 4, 4 (replications at mean ± 1).
    const y = [0, 1, 3, 5, 4, 4];
    const halving = [null, 2, 2, 1, 1, null];
    const dir = sweepFolder(tempDir(), plan, undefined, (run) => {
      const p = Math.floor(run / 2);
      return record(plan, run, y[p] + (run % 2 ? 1 : -1), halving[p], 'widened', 0.5);
    });
    finalizeSweep(dir, plan);
    const rows = readFileSync(join(dir, 'morris.csv'), 'utf8').trimEnd().split('\n');
    expect(rows[0]).toBe('metric,parameter,mu,mu_star,sigma,n,rank');
    const byKey = new Map(rows.slice(1).map((r) => parseCsvLine(r)).map((f) => [`${f[0]}/${f[1]}`, f.slice(2)]));
    expect([...byKey.keys()]).toEqual(['dpd_final/p', 'dpd_final/q', 'final.gini/p', 'final.gini/q', 'halving_tick/p', 'halving_tick/q']);
    const num = (key: string) => (byKey.get(key) as string[]).map(csvNumber);
    // p: +(1−0)/Δ = 1.5 and −(4−4)/Δ = 0; q: +(3−1)/Δ = 3 and −(4−5)/Δ = 1.5.
    const [pMu, pStar, pSigma, pN, pRank] = num('dpd_final/p');
    const [qMu, qStar, qSigma, qN, qRank] = num('dpd_final/q');
    expect([pMu, pStar, pSigma]).toEqual([0.75, 0.75, expect.closeTo(0.75 * Math.SQRT2, 12)]);
    expect([qMu, qStar, qSigma]).toEqual([2.25, 2.25, expect.closeTo(0.75 * Math.SQRT2, 12)]);
    expect([pN, qN, pRank, qRank]).toEqual([2, 2, 2, 1]);
    // Equal μ* (no effect at all): the file order breaks the tie.
    expect(byKey.get('final.gini/p')).toEqual(['0', '0', '0', '2', '1']);
    expect(byKey.get('final.gini/q')).toEqual(['0', '0', '0', '2', '2']);
    // p's two effects both use a missing mean: undefined μ* ranks last, after q's 0.
    expect(byKey.get('halving_tick/p')).toEqual(['NA', 'NA', 'NA', '0', '2']);
    expect(byKey.get('halving_tick/q')).toEqual(['0', '0', '0', '2', '1']);
  });
});

describe('morris.csv ranks', () => {
  it('ties keep the parameters’ order: ranks 1, 2, 3 for three parameters without effect', () => {
    const plan = handPlan({
      design: { type: 'morris', trajectories: 2, levels: 2 },
      parameters: ['p', 'q', 'r'],
      replications: 1,
      seeds: replicationSeeds(5, 1),
      points: Array.from({ length: 8 }, (_, i) => [i, i, i]),
      pointHashes: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map(hash),
      morris: {
        levels: 2,
        delta: 1,
        trajectories: [
          [{ factor: 2, sign: 1 }, { factor: 0, sign: 1 }, { factor: 1, sign: 1 }],
          [{ factor: 1, sign: -1 }, { factor: 2, sign: -1 }, { factor: 0, sign: -1 }],
        ],
      },
      metrics: ['final.gini'],
    });
    const dir = sweepFolder(tempDir(), plan, undefined, (run) => record(plan, run, 1, null, 'widened', 0.5));
    finalizeSweep(dir, plan);
    expect(readFileSync(join(dir, 'morris.csv'), 'utf8')).toBe('metric,parameter,mu,mu_star,sigma,n,rank\nfinal.gini,p,0,0,0,2,1\nfinal.gini,q,0,0,0,2,2\nfinal.gini,r,0,0,0,2,3\n');
  });
});

describe('merging shards', () => {
  const shards = (plan: ExperimentPlan, parts: number[][]) => {
    const work = tempDir();
    return { work, dirs: parts.map((runs, i) => sweepFolder(join(work, `s${i}`), plan, runs)) };
  };

  it('gives the folder a whole sweep gives, copying each record once', () => {
    const plan = handPlan();
    const whole = sweepFolder(tempDir(), plan);
    finalizeSweep(whole, plan);
    const { work, dirs } = shards(plan, [[0, 2, 4], [1, 3, 5], [3]]);
    expect(mergeSweeps(dirs, join(work, 'out'))).toEqual({ runs: 6, copied: 6 });
    expect(treeDiff(whole, join(work, 'out'))).toEqual([]);
    // Into one of the shards: only the runs it lacks are copied.
    expect(mergeSweeps(dirs, dirs[1])).toEqual({ runs: 6, copied: 3 });
    expect(treeDiff(whole, dirs[1])).toEqual([]);
    expect(mergeSweeps([dirs[1]], dirs[1])).toEqual({ runs: 6, copied: 0 });
  });

  it('names the missing runs, at most ten, and the way to finish them', () => {
    const plan = handPlan();
    const { work, dirs } = shards(plan, [[0, 2, 4]]);
    expect(() => mergeSweeps(dirs, join(work, 'out'))).toThrow(IncompleteMerge);
    expect(() => mergeSweeps(dirs, join(work, 'out'))).toThrow(
      '3 of 6 runs are in none of the folders (0001, 0003, 0005); run r belongs to shard r mod N: finish those shards (urd sweep --resume DIR --shard I/N) and merge again',
    );
    const many = handPlan({ replications: 11, seeds: replicationSeeds(5, 11) });
    const m = shards(many, [[0]]);
    expect(() => mergeSweeps(m.dirs, join(m.work, 'out'))).toThrow('21 of 22 runs are in none of the folders (0001, 0002, 0003, 0004, 0005, 0006, 0007, 0008, 0009, 0010, …)');
    const ten = shards(many, [[0, ...Array.from({ length: 11 }, (_, i) => 11 + i)]]);
    expect(() => mergeSweeps(ten.dirs, join(ten.work, 'out'))).toThrow('10 of 22 runs are in none of the folders (0001, 0002, 0003, 0004, 0005, 0006, 0007, 0008, 0009, 0010); run r');
  });

  it('refuses no folders, folders of other sweeps, two results of one run and an output inside a shard', () => {
    const plan = handPlan();
    expect(() => mergeSweeps([], '/tmp/x')).toThrow('expected at least one shard folder');
    const { work, dirs } = shards(plan, [[0, 1, 2], [3, 4, 5]]);
    const other = sweepFolder(join(work, 'other'), handPlan({ seed: 6, seeds: replicationSeeds(6, 3) }), []);
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as InputError;
      }
      throw new Error('expected a refusal');
    };
    expect(err(() => mergeSweeps([dirs[0], other], join(work, 'out')))).toMatchObject({
      file: join(other, 'sweep.json'),
      expected: `belongs to a different sweep than ${dirs[0]} (sweep.json differs); merge only shards of one experiment`,
    });
    expect(err(() => mergeSweeps([join(work, 'nothing')], join(work, 'out'))).expected).toBe('not a sweep folder (no sweep.json)');
    expect(err(() => mergeSweeps([dirs[0], join(work, 'nothing')], join(work, 'out'))).expected).toBe('not a sweep folder (no sweep.json)');
    expect(err(() => mergeSweeps(dirs, join(dirs[0], 'inner'))).expected).toBe(`lies inside the shard folder ${dirs[0]}; expected --out to be a new folder or one of the shards itself`);
    expect(err(() => mergeSweeps([dirs[1]], work)).expected).toBe(`contains the shard folder ${dirs[1]}; expected --out to be a new folder or one of the shards itself`);
    // A new output named through a link into a shard is inside that shard too.
    symlinkSync(dirs[0], join(work, 'link'));
    expect(err(() => mergeSweeps(dirs, join(work, 'link', 'new'))).expected).toBe(`lies inside the shard folder ${dirs[0]}; expected --out to be a new folder or one of the shards itself`);
    expect(existsSync(join(dirs[0], 'new'))).toBe(false);
    expect(existsSync(join(work, 'out'))).toBe(false);
    writeRecord(recordPath(dirs[1], plan, 0), record(plan, 0, 99));
    const twice = err(() => mergeSweeps(dirs, join(work, 'out2')));
    expect(twice.file).toBe(recordPath(dirs[1], plan, 0));
    expect(twice.expected).toBe(`differs from ${recordPath(dirs[0], plan, 0)}: the same run gave two results (different urd versions?)`);
    // Each folder's own records are checked too: an output shard with a differing copy is refused.
    expect(() => mergeSweeps([dirs[1], dirs[0]], dirs[0])).toThrow(/the same run gave two results/);
  });

  it('copies run folders with their records, replacing a stale copy', () => {
    const plan = handPlan({ perRunMetrics: true });
    const { work, dirs } = shards(plan, [[0, 1, 2], [3, 4, 5]]);
    for (const run of [0, 1, 2, 3, 4, 5]) {
      const d = join(dirs[run < 3 ? 0 : 1], 'runs', runId(plan, run));
      mkdirSync(d);
      writeFileSync(join(d, 'metrics.csv'), `run ${run}\n`);
    }
    const out = join(work, 'out');
    mkdirSync(join(out, 'runs', '0003'), { recursive: true });
    writeFileSync(join(out, 'sweep.json'), planJson(plan));
    writeFileSync(join(out, 'runs', '0003', 'stale.csv'), 'old');
    expect(mergeSweeps(dirs, out).copied).toBe(6);
    expect([...tree(join(out, 'runs', '0003')).entries()]).toEqual([['metrics.csv', 'run 3\n']]);
    expect(readFileSync(join(out, 'runs', '0000', 'metrics.csv'), 'utf8')).toBe('run 0\n');
    expect(readFileSync(join(out, 'runs', '0005', 'metrics.csv'), 'utf8')).toBe('run 5\n');
  });
});

describe('export', () => {
  /** A run folder written by hand: a manifest and a metrics.csv with a ring, a place and a missing value. */
  function runFolder(dir: string, name: string, seed: number) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ scenario: { name, seed } }));
    writeFileSync(join(dir, 'metrics.csv'), 'tick,scope,metric,value\n0,all,dpd,1.5\n1,ring:2,dpd,NA\n1,place:10,income,2\n\n');
  }

  it('splits scopes into kind and index', () => {
    expect(splitScope('all')).toEqual(['all', null]);
    expect(splitScope('ring:2')).toEqual(['ring', 2]);
    expect(splitScope('place:10')).toEqual(['place', 10]);
    expect(splitScope(':5')).toEqual(['', 5]);
  });

  it('a sweep of records: one row per run and final metric, agreeing with runs.csv', () => {
    const plan = handPlan();
    const dir = sweepFolder(tempDir(), plan);
    finalizeSweep(dir, plan);
    const out = join(tempDir(), 'table.csv');
    expect(exportTable(dir, out, 'csv')).toEqual({ runs: 6, rows: 18 });
    const rows = readCsv(out);
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe('source,scenario,seed,talent.barrier,diffusion.mode,tick,scope_kind,scope_index,metric,value');
    const runs = readCsv(join(dir, 'runs.csv'));
    for (const r of runs) {
      const mine = rows.filter((x) => x.source === `runs/${runId(plan, Number(r.run))}.json`);
      expect(mine.map((x) => x.metric)).toEqual(['gini', 'theil', 'spending_capital']);
      expect(mine.every((x) => x.seed === r.seed && x['talent.barrier'] === r['talent.barrier'] && x['diffusion.mode'] === r['diffusion.mode'])).toBe(true);
      expect(mine.every((x) => x.tick === '4' && x.scope_kind === 'all' && x.scope_index === 'NA' && x.scenario === 's')).toBe(true);
      expect(mine[0].value).toBe(r['final.gini']);
      expect(mine[1].value).toBe('');
    }
  });

  it('a folder of run folders and sweeps, in name order, to CSV and to Parquet read back', async () => {
    const root = tempDir();
    runFolder(join(root, 'a-run'), 'first', 7);
    const plan = handPlan({ replications: 1, seeds: replicationSeeds(5, 1), perRunMetrics: true });
    const sweep = sweepFolder(join(root, 'b-sweep'), plan);
    runFolder(join(sweep, 'runs', '0001'), 'ignored-name', 999);
    finalizeSweep(sweep, plan);
    // A second sweep of the same parameters: each parameter is one column.
    const twin = sweepFolder(join(root, 'c-twin', 'sweep'), plan, [0]);
    writeFileSync(join(twin, 'runs.csv'), readFileSync(join(sweep, 'runs.csv')));
    expect(findSources(root).params).toEqual(['talent.barrier', 'diffusion.mode']);
    rmSync(join(root, 'c-twin'), { recursive: true });
    runFolder(join(root, 'charts', 'c'), 'chart', 1);
    mkdirSync(join(root, 'empty'));
    writeFileSync(join(root, 'notes.txt'), 'x');
    // Half a run folder (a manifest without metrics.csv, or metrics.csv without a manifest) is not a run.
    mkdirSync(join(root, 'half-1'));
    writeFileSync(join(root, 'half-1', 'manifest.json'), '{}');
    mkdirSync(join(root, 'half-2'));
    writeFileSync(join(root, 'half-2', 'metrics.csv'), 'tick,scope,metric,value\n0,all,x,1\n');
    const { params, sources } = findSources(root);
    expect(params).toEqual(['talent.barrier', 'diffusion.mode']);
    expect(sources.map((s) => [s.source, s.scenario, s.seed, s.params])).toEqual([
      ['a-run', 'first', 7, {}],
      ['b-sweep/runs/0000.json', 's', plan.seeds[0], { 'talent.barrier': '0.5', 'diffusion.mode': 'a' }],
      ['b-sweep/runs/0001', 'ignored-name', plan.seeds[0], { 'talent.barrier': '1.5', 'diffusion.mode': 'b c' }],
    ]);
    const csv = join(root, 'out.csv');
    expect(exportTable(root, csv, 'csv')).toEqual({ runs: 3, rows: 3 + 3 + 3 });
    expect(readFileSync(csv, 'utf8').split('\n').slice(0, 4)).toEqual([
      'source,scenario,seed,talent.barrier,diffusion.mode,tick,scope_kind,scope_index,metric,value',
      'a-run,first,7,NA,NA,0,all,NA,dpd,1.5',
      'a-run,first,7,NA,NA,1,ring,2,dpd,NA',
      'a-run,first,7,NA,NA,1,place,10,income,2',
    ]);
    const pq = join(root, 'out.parquet');
    expect(exportTable(root, pq, 'parquet')).toEqual({ runs: 3, rows: 9 });
    const bytes = readFileSync(pq);
    expect(bytes.includes('urd export')).toBe(true);
    const back = (await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) })) as Record<string, unknown>[];
    expect(back).toHaveLength(9);
    expect(back[1]).toEqual({ source: 'a-run', scenario: 'first', seed: 7, 'talent.barrier': null, 'diffusion.mode': null, tick: 1, scope_kind: 'ring', scope_index: 2, metric: 'dpd', value: null });
    expect(back[3]).toEqual({ source: 'b-sweep/runs/0000.json', scenario: 's', seed: plan.seeds[0], 'talent.barrier': 0.5, 'diffusion.mode': 'a', tick: 4, scope_kind: 'all', scope_index: null, metric: 'gini', value: 0.1 });
    expect(back[8]).toMatchObject({ source: 'b-sweep/runs/0001', 'talent.barrier': 1.5, 'diffusion.mode': 'b c', scope_kind: 'place', scope_index: 10, value: 2 });
    // An earlier export of the same format is replaced; any other file is not.
    expect(exportTable(root, pq, 'parquet').rows).toBe(9);
    expect(exportTable(root, csv, 'csv').rows).toBe(9);
    expect(() => exportTable(root, pq, 'csv')).toThrow('exists and is not an earlier urd export; choose another --out');
    expect(() => exportTable(root, csv, 'parquet')).toThrow('exists and is not an earlier urd export; choose another --out');
    // A file that mentions urd export but is no Parquet file of it: refused.
    writeFileSync(join(root, 'mine.parquet'), 'notes on urd export, PAR1');
    expect(() => exportTable(root, join(root, 'mine.parquet'), 'parquet')).toThrow('exists and is not an earlier urd export');
    writeFileSync(join(root, 'mine.csv'), 'source,scenario\n');
    expect(() => exportTable(root, join(root, 'mine.csv'), 'csv')).toThrow('exists and is not an earlier urd export');
    expect(readFileSync(join(root, 'mine.csv'), 'utf8')).toBe('source,scenario\n');
    expect(() => exportTable(root, join(root, 'empty'), 'csv')).toThrow('exists and is not a regular file (an earlier urd export); choose another --out');
    // A failed Parquet write leaves neither the file nor its partial.
    expect(() => exportTable(root, join(root, 'no', 'such', 'x.parquet'), 'parquet')).toThrow(/^cannot write .*x\.parquet: /);
    expect(existsSync(join(root, 'no'))).toBe(false);
  });

  it('a run folder given itself, a manifest without a scenario, and a bare record without sweep.json', () => {
    const root = tempDir();
    runFolder(join(root, 'run'), 'solo', 3);
    const out = join(root, 'one.csv');
    expect(exportTable(join(root, 'run'), out, 'csv')).toEqual({ runs: 1, rows: 3 });
    expect(readFileSync(out, 'utf8').split('\n')[1]).toBe('.,solo,3,0,all,NA,dpd,1.5');
    writeFileSync(join(root, 'run', 'manifest.json'), '{}');
    const { sources } = findSources(join(root, 'run'));
    expect([sources[0].scenario, sources[0].seed]).toEqual(['', NaN]);
    // A sweep folder with runs.csv and a record only: no parameters, the record's seed, no scenario name.
    const sweep = join(root, 'sweep');
    mkdirSync(join(sweep, 'runs'), { recursive: true });
    writeFileSync(join(sweep, 'runs.csv'), 'run,seed\n0,4\n');
    writeFileSync(join(sweep, 'runs', '0000.json'), JSON.stringify({ run: 0, seed: 4, summary: { ticks: 2, final: { a: 1 } } }));
    expect(findSources(sweep).params).toEqual([]);
    // sweep.json naming a parameter runs.csv has no column for: no column of it in the export.
    writeFileSync(join(sweep, 'sweep.json'), JSON.stringify({ parameters: ['gone'] }));
    const loose = findSources(sweep);
    expect(loose.params).toEqual([]);
    expect(loose.sources.map((x) => [x.source, x.scenario, x.seed])).toEqual([['runs/0000.json', '', 4]]);
    const rows: unknown[] = [];
    loose.sources[0].rows((...r) => rows.push(r));
    expect(rows).toEqual([[2, 'all', 'a', 1]]);
  });

  it('Parquet of more rows than one row group (100,000) holds every row, in order', async () => {
    const root = tempDir();
    const n = 100_003;
    mkdirSync(join(root, 'run'));
    writeFileSync(join(root, 'run', 'manifest.json'), JSON.stringify({ scenario: { name: 'long', seed: 1 } }));
    writeFileSync(join(root, 'run', 'metrics.csv'), `tick,scope,metric,value\n${Array.from({ length: n }, (_, i) => `${i},all,m,${i / 2}`).join('\n')}\n`);
    const pq = join(root, 'long.parquet');
    expect(exportTable(join(root, 'run'), pq, 'parquet')).toEqual({ runs: 1, rows: n });
    const bytes = readFileSync(pq);
    const back = (await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), columns: ['tick', 'value'] })) as { tick: number; value: number }[];
    expect(back).toHaveLength(n);
    expect([back[99_999], back[100_000], back[n - 1]]).toEqual([{ tick: 99_999, value: 49_999.5 }, { tick: 100_000, value: 50_000 }, { tick: n - 1, value: (n - 1) / 2 }]);
    // Row groups of 100,000 rows, the rest in the last one.
    expect(parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)).row_groups.map((g) => Number(g.num_rows))).toEqual([100_000, 3]);
  }, 60_000);

  it('numeric parameter columns only when every value is a number', async () => {
    const root = tempDir();
    const plan = handPlan({ replications: 1, seeds: replicationSeeds(5, 1), points: [[0.5, '1'], [1.5, '']] });
    finalizeSweep(sweepFolder(join(root, 's'), plan), plan);
    const pq = join(root, 'x.parquet');
    exportTable(root, pq, 'parquet');
    const bytes = readFileSync(pq);
    const back = (await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) })) as Record<string, unknown>[];
    expect(back.map((r) => r['diffusion.mode'])).toEqual(['1', '1', '1', '', '', '']);
    expect(back.map((r) => r['talent.barrier'])).toEqual([0.5, 0.5, 0.5, 1.5, 1.5, 1.5]);
  });

  it('a run whose metrics.csv is no regular file: the InputError naming it, and no output or partial file', () => {
    const root = tempDir();
    mkdirSync(join(root, 'run', 'metrics.csv'), { recursive: true });
    writeFileSync(join(root, 'run', 'manifest.json'), '{}');
    for (const format of ['csv', 'parquet'] as const) {
      const out = join(root, `out.${format}`);
      let thrown: unknown = null;
      try {
        exportTable(join(root, 'run'), out, format);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(InputError);
      expect((thrown as InputError).message).toBe(`${join(root, 'run', 'metrics.csv')}: is not a regular file`);
      expect(readdirSync(root).sort()).toEqual(['run']);
    }
  });

  it('refuses a folder with no runs and a path that is no folder', () => {
    const root = tempDir();
    mkdirSync(join(root, 'sub'));
    // A sweep folder with runs.csv but no runs/ holds no run either.
    mkdirSync(join(root, 'sweep'));
    writeFileSync(join(root, 'sweep', 'runs.csv'), 'run\n');
    expect(() => findSources(root)).toThrow('no runs found: expected run folders (manifest.json + metrics.csv) or sweep folders (runs.csv) in it or below it');
    expect(() => findSources(join(root, 'none'))).toThrow('not a folder');
    writeFileSync(join(root, 'f'), '');
    expect(() => findSources(join(root, 'f'))).toThrow('not a folder');
  });
});
