/**
 * Sweep throughput: an experiment of `runs` runs of 10,000 residents, run by the CLI (the build
 * in dist/, as a user runs it) once with one worker and once with `workers`, against the sum of
 * the runs' own times (each run's `runScenario`, timed in this process). Both sweeps run in
 * fresh processes; the ratios say whether the pool keeps the cores busy and what it costs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExperiment, pointScenario } from '../src/experiments/load.ts';
import { runScenario } from '../src/run/runScenario.ts';
import { type ChildCost, childCost } from './childCpu.ts';
import { cpuMs } from './measure.ts';

export interface SweepThroughputResult {
  runs: number;
  residents: number;
  ticks: number;
  workers: number;
  /** Sum over runs of one run's CPU ms (the work a sweep must do). */
  sumRunMs: number;
  oneWorker: ChildCost;
  /** The sweep with `workers` workers: its wall time, and its CPU time over every thread. */
  pooled: ChildCost;
}

function sweep(root: string, experiment: string, out: string, workers: number): ChildCost {
  return childCost(root, [join(root, 'bin', 'urd.mjs'), 'sweep', experiment, '--workers', String(workers), '--out', out, '--no-report', '--quiet']);
}

/** Measures a sweep of `runs` runs (an even number: two points × runs/2 replications). */
export function measureSweep(root: string, runs: number, workers = 2, residents = 10_000, ticks = 50): SweepThroughputResult {
  const dir = mkdtempSync(join(tmpdir(), 'urd-bench-sweep-'));
  try {
    const experiment = join(dir, 'throughput.yaml');
    writeFileSync(
      experiment,
      [
        'name: throughput',
        `base: ${JSON.stringify(join(root, 'scenarios', 'baseline.yaml'))}`,
        'set:',
        `  world.residents: ${residents}`,
        `  ticks: ${ticks}`,
        'seed: 7',
        `replications: ${runs / 2}`,
        'parameters:',
        '  talent.barrier: [0.5, 1.5]',
        'metrics: [dpd_final]',
        '',
      ].join('\n'),
    );
    const plan = loadExperiment(experiment);
    let sumRunMs = 0;
    for (let point = 0; point < 2; point++) {
      for (const seed of plan.seeds) {
        const scenario = pointScenario(plan, point, seed);
        const c0 = cpuMs();
        runScenario(scenario, {});
        sumRunMs += cpuMs() - c0;
      }
    }
    const oneWorker = sweep(root, experiment, join(dir, 'one'), 1);
    const pooled = sweep(root, experiment, join(dir, 'many'), workers);
    return { runs, residents, ticks, workers, sumRunMs, oneWorker, pooled };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
