/**
 * Sweep throughput (issue 16, target 6): an experiment of `runs` runs of 10,000 residents, run by
 * the CLI (the build in dist/, as a user runs it) once with one worker and once with `workers`,
 * each in a fresh process. The work a sweep must do is the runs' own time: the built worker's
 * function (run and record) on an even sample of the runs, one after another in a fresh process
 * of its own (bench/runsAlone.mjs, after one untimed run). Every run of the experiment has the
 * same size, so the sample's median times the runs is their sum without paying for the sweep a
 * third time (the median, because a process's JIT makes a few runs slow once; see runsAlone.mjs). (Timed through tsx in the benchmark's own process instead, runs came out 20–40%
 * slower than in the sweep, which flattered the pool.) Both sweeps must write byte-identical
 * results (a sweep's files do not depend on its workers), so the measurement fails rather than
 * times a sweep that went wrong.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExperiment, pointScenario } from '../src/experiments/load.ts';
import { runCount, SWEEP_FILES } from '../src/experiments/store.ts';
import type { RunTask } from '../src/experiments/task.ts';
import { type ChildCost, childCost } from './childCpu.ts';

/** What one sweep measurement is: its runs (an even number: two points × runs/2 replications) and their size. */
export interface SweepSpec {
  runs: number;
  residents: number;
  ticks: number;
  workers: number;
  /** Runs timed alone for the runs' own time (at most `runs`). */
  sampled: number;
}

export interface SweepThroughputResult extends SweepSpec {
  /** Median CPU ms of one run alone (the built worker's run and record, metrics included), over the sampled runs. */
  runMs: number;
  /** runMs × runs: the work the sweep must do. */
  sumRunMs: number;
  oneWorker: ChildCost;
  /** The sweep with `workers` workers: its wall time, and its CPU time over every thread. */
  pooled: ChildCost;
}

/** The files of a finished sweep that must not depend on its workers. */
const SAME_FILES = [SWEEP_FILES.runs, SWEEP_FILES.aggregate];

function sweep(root: string, experiment: string, out: string, workers: number): ChildCost {
  return childCost(root, [join(root, 'bin', 'urd.mjs'), 'sweep', experiment, '--workers', String(workers), '--out', out, '--no-report', '--quiet']);
}

/** The experiment file of `spec` (two points × runs/2 replications of the baseline), written into `dir`. */
function writeExperiment(root: string, dir: string, spec: SweepSpec): string {
  const experiment = join(dir, 'throughput.yaml');
  writeFileSync(
    experiment,
    [
      'name: throughput',
      `base: ${JSON.stringify(join(root, 'scenarios', 'baseline.yaml'))}`,
      'set:',
      `  world.residents: ${spec.residents}`,
      `  ticks: ${spec.ticks}`,
      'seed: 7',
      `replications: ${spec.runs / 2}`,
      'parameters:',
      '  talent.barrier: [0.5, 1.5]',
      'metrics: [dpd_final]',
      '',
    ].join('\n'),
  );
  return experiment;
}

/** Median CPU ms of one run alone (see the top of this file) over `sampled` runs spread over the experiment. */
function ownRunMs(root: string, dir: string, experiment: string, sampled: number): number {
  const plan = loadExperiment(experiment);
  const runs = runCount(plan);
  // Run 0 first: untimed, it compiles the model.
  const picked = [0, ...Array.from({ length: sampled }, (_, k) => Math.floor((k * runs) / sampled))];
  const tasks: RunTask[] = picked.map((run, k) => {
    const point = Math.floor(run / plan.replications);
    const replication = run % plan.replications;
    return { scenario: pointScenario(plan, point, plan.seeds[replication]), run, point, replication, pointHash: plan.pointHashes[point], recordPath: join(dir, `alone-${k}.json`), runDir: null };
  });
  const r = spawnSync(process.execPath, [join(root, 'bench', 'runsAlone.mjs')], { input: JSON.stringify(tasks), encoding: 'utf8', maxBuffer: 16 << 20 });
  const m = /@@urd-runs-alone (.*)/.exec(r.stdout ?? '');
  if (r.status !== 0 || !m) throw new Error(`timing runs alone failed (exit ${r.status}): ${(r.stderr ?? '').trim().split('\n').slice(-2).join(' ')}`);
  return (JSON.parse(m[1]) as { runMs: number }).runMs;
}

/** Measures the sweep of `spec`; throws when a sweep fails or the two sweeps' results differ. */
export function measureSweep(root: string, spec: SweepSpec): SweepThroughputResult {
  const dir = mkdtempSync(join(tmpdir(), 'urd-bench-sweep-'));
  try {
    const experiment = writeExperiment(root, dir, spec);
    const sampled = Math.min(spec.sampled, spec.runs);
    const runMs = ownRunMs(root, dir, experiment, sampled);
    const oneWorker = sweep(root, experiment, join(dir, 'one'), 1);
    const pooled = sweep(root, experiment, join(dir, 'many'), spec.workers);
    for (const f of SAME_FILES) {
      if (!readFileSync(join(dir, 'one', f)).equals(readFileSync(join(dir, 'many', f)))) {
        throw new Error(`${f} of the sweep with ${spec.workers} workers differs from the one-worker sweep's`);
      }
    }
    return { ...spec, sampled, runMs, sumRunMs: runMs * spec.runs, oneWorker, pooled };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
