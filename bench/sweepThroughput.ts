/**
 * Sweep throughput (issue 16, target 6): an experiment of `runs` runs of 10,000 residents, run by
 * the CLI (the build in dist/, as a user runs it) once with one worker and once with `workers`,
 * each in a fresh process. The work a sweep must do is the runs' own time: `runScenario` alone,
 * timed in this process on an even sample of the runs (every run of the experiment has the same
 * size, so the sample's mean times the runs is their sum without paying for the sweep a third
 * time). Both sweeps must write byte-identical results (a sweep's files do not depend on its
 * workers), so the measurement fails rather than times a sweep that went wrong.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExperiment, pointScenario } from '../src/experiments/load.ts';
import { SWEEP_FILES } from '../src/experiments/store.ts';
import { runScenario } from '../src/run/runScenario.ts';
import { type ChildCost, childCost } from './childCpu.ts';
import { cpuMs } from './measure.ts';

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
  /** Mean CPU ms of one run alone (runScenario, metrics included), over the sampled runs. */
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

/** Measures the sweep of `spec`; throws when a sweep fails or the two sweeps' results differ. */
export function measureSweep(root: string, spec: SweepSpec): SweepThroughputResult {
  const dir = mkdtempSync(join(tmpdir(), 'urd-bench-sweep-'));
  try {
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
    const plan = loadExperiment(experiment);
    const sampled = Math.min(spec.sampled, spec.runs);
    const at = (run: number) => pointScenario(plan, Math.floor(run / plan.replications), plan.seeds[run % plan.replications]);
    // Not timed: the first run also compiles the model, which is the pool's cost (each worker
    // compiles it again), not a run's.
    runScenario(at(0), {});
    let own = 0;
    for (let k = 0; k < sampled; k++) {
      // Spread over both points and over the replications.
      const run = Math.floor((k * spec.runs) / sampled);
      const scenario = at(run);
      const c0 = cpuMs();
      runScenario(scenario, {});
      own += cpuMs() - c0;
    }
    const runMs = own / sampled;
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
