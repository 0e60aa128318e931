import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAggregates } from '../../src/experiments/aggregate.ts';
import { loadExperiment, type ExperimentPlan } from '../../src/experiments/load.ts';
import { IncompleteMerge, mergeSweeps } from '../../src/experiments/merge.ts';
import { readPlan } from '../../src/experiments/store.ts';
import { runSweep } from '../../src/experiments/sweep.ts';
import { urd } from '../support.ts';
import { SMALL, tempDir, tree, treeDiff, writeExperiment } from './helpers.ts';

let work: string;
let plan: ExperimentPlan;
let reference: string;

beforeAll(async () => {
  work = tempDir();
  plan = loadExperiment(writeExperiment(work, SMALL));
  reference = join(work, 'one-worker');
  const r = await runSweep(plan, { dir: reference, workers: 1 });
  expect(r).toMatchObject({ total: 8, ran: 8, skipped: 0, interrupted: false, finalized: true });
}, 30_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a sweep', () => {
  it('writes one row a run in run order, and per-point statistics', () => {
    const rows = readFileSync(join(reference, 'runs.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('run,point,replication,seed,talent.barrier,rights.rentShare,verdict,dpd_final,dpd_change,halving_tick,rural_share,final.gini,command');
    expect(rows).toHaveLength(9);
    expect(rows.slice(1).map((r) => r.split(',').slice(0, 3).join(','))).toEqual(['0,0,0', '1,0,1', '2,1,0', '3,1,1', '4,2,0', '5,2,1', '6,3,0', '7,3,1']);
    // Common random numbers: replication r has the same seed at every point.
    const seeds = rows.slice(1).map((r) => r.split(',')[3]);
    expect(seeds.filter((_, i) => i % 2 === 0).every((s) => s === seeds[0])).toBe(true);
    expect(seeds[1]).not.toBe(seeds[0]);
    const agg = readFileSync(join(reference, 'aggregate.csv'), 'utf8').trim().split('\n');
    expect(agg[0]).toBe('point,talent.barrier,rights.rentShare,metric,n,mean,sd,ci95_lo,ci95_hi');
    expect(agg).toHaveLength(1 + 4 * (4 + 5)); // 4 points × (4 verdict shares + 5 numeric metrics)
    expect(existsSync(join(reference, 'morris.csv'))).toBe(false);
  });

  it('gives identical files with 1 and 2 workers', async () => {
    const two = join(work, 'two-workers');
    await runSweep(plan, { dir: two, workers: 2 });
    expect(treeDiff(reference, two)).toEqual([]);
  }, 30_000);

  it('reruns any single run alone with the urd run command of its row', () => {
    const row = readFileSync(join(reference, 'runs.csv'), 'utf8').trim().split('\n')[6];
    const command = row.slice(row.indexOf('urd run ')).split(' ').slice(1);
    const out = join(work, 'rerun');
    expect(urd([...command, '--out', out, '--quiet']).code).toBe(0);
    const record = JSON.parse(readFileSync(join(reference, 'runs', '0005.json'), 'utf8'));
    expect(readFileSync(join(out, 'summary.json'), 'utf8')).toBe(JSON.stringify(record.summary, null, 2) + '\n');
  }, 30_000);

  it('sharded into separate folders and merged, equals the one-machine sweep byte for byte', async () => {
    const shards = [0, 1, 2].map((i) => join(work, `shard-${i}`));
    for (const [i, dir] of shards.entries()) {
      const r = await runSweep(plan, { dir, workers: 1, shard: { index: i, count: 3 } });
      expect(r.finalized).toBe(false);
      expect(existsSync(join(dir, 'runs.csv'))).toBe(false);
    }
    expect(tree(join(shards[1], 'runs')).size).toBe(3); // runs 1, 4, 7
    const partial = join(work, 'merged-partial');
    expect(() => mergeSweeps(shards.slice(0, 2), partial)).toThrow(IncompleteMerge);
    expect(() => mergeSweeps(shards.slice(0, 2), partial)).toThrow(/2 of 8 runs.*0002, 0005/);
    const merged = join(work, 'merged');
    expect(mergeSweeps(shards, merged)).toEqual({ runs: 8, copied: 8 });
    expect(treeDiff(reference, merged)).toEqual([]);
  }, 30_000);

  it('sharded into one shared folder and merged in place, equals it too', async () => {
    const shared = join(work, 'shared');
    for (const i of [1, 0]) await runSweep(plan, { dir: shared, workers: 2, shard: { index: i, count: 2 } });
    expect(mergeSweeps([shared], shared).copied).toBe(0);
    expect(treeDiff(reference, shared)).toEqual([]);
  }, 30_000);

  it('refuses to merge folders of different sweeps, and to continue a folder with another plan', async () => {
    const other = tempDir();
    const otherPlan = loadExperiment(writeExperiment(other, SMALL.replace('seed: 5', 'seed: 6')));
    await runSweep(otherPlan, { dir: join(other, 'out'), workers: 1, shard: { index: 0, count: 4 } });
    expect(() => mergeSweeps([reference, join(other, 'out')], join(other, 'm'))).toThrow(/different sweep/);
    await expect(runSweep(otherPlan, { dir: reference, workers: 1 })).rejects.toThrow(/holds a different sweep/);
  }, 30_000);

  it('aggregates again from the records alone to the same bytes', () => {
    const before = readFileSync(join(reference, 'aggregate.csv'), 'utf8');
    rmSync(join(reference, 'aggregate.csv'));
    writeAggregates(reference, readPlan(reference));
    expect(readFileSync(join(reference, 'aggregate.csv'), 'utf8')).toBe(before);
  });
});

describe('a Morris sweep with run folders', () => {
  it('writes morris.csv and per-run folders, and merges shards to the same files', async () => {
    const dir = tempDir();
    const text = `base: tiny.yaml
replications: 2
design: { type: morris, trajectories: 2, levels: 4 }
parameters:
  talent.barrier: { min: 0, max: 2 }
  diffusion.q: { min: 0.1, max: 0.6 }
metrics: [dpd_final, rural_share]
perRunMetrics: true
`;
    const p = loadExperiment(writeExperiment(dir, text, 'name: tiny\nticks: 6\nworld: { residents: 1000 }\n'));
    expect(p.points).toHaveLength(6);
    const whole = join(dir, 'whole');
    await runSweep(p, { dir: whole, workers: 2 });
    const morris = readFileSync(join(whole, 'morris.csv'), 'utf8').trim().split('\n');
    expect(morris[0]).toBe('metric,parameter,mu,mu_star,sigma,n,rank');
    expect(morris).toHaveLength(1 + 2 * 2);
    expect(morris.slice(1).every((r) => r.split(',')[5] === '2')).toBe(true);
    expect(existsSync(join(whole, 'runs', '0011', 'metrics.csv'))).toBe(true);
    for (const i of [0, 1]) await runSweep(p, { dir: join(dir, `s${i}`), workers: 1, shard: { index: i, count: 2 } });
    mergeSweeps([join(dir, 's0'), join(dir, 's1')], join(dir, 'merged'));
    expect(treeDiff(whole, join(dir, 'merged'))).toEqual([]);
  }, 30_000);
});
