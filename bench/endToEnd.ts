/**
 * End to end: `urd run scenarios/baseline.yaml` with its report, in a fresh process, against what
 * it cannot avoid: the model's own time (initialisation and ticks, timed here in-process) plus
 * rendering its charts (`urd report` on the finished folder, in a fresh process). Everything else
 * (start-up, measurement, files) is the difference.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initializeWorld } from '../src/model/initialize.ts';
import { tick } from '../src/model/tick.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { type ChildCost, childCost } from './childCpu.ts';
import { cpuMs } from './measure.ts';

export interface EndToEndResult {
  scenario: string;
  /** CPU ms of initialisation plus every tick, in-process (fastest of `reps`). */
  modelMs: number;
  /** `urd report` on the run's folder: charts and report.html. */
  charts: ChildCost;
  /** `urd run` with its report. */
  run: ChildCost;
}

export function measureEndToEnd(root: string, reps = 2): EndToEndResult {
  const scenarioPath = join('scenarios', 'baseline.yaml');
  const dir = mkdtempSync(join(tmpdir(), 'urd-bench-e2e-'));
  try {
    const scenario = loadScenario(join(root, scenarioPath));
    let modelMs = Infinity;
    for (let k = 0; k < reps; k++) {
      const c0 = cpuMs();
      const world = initializeWorld(scenario, scenario.seed);
      for (let t = 0; t < scenario.ticks; t++) {
        tick(world);
        world.events.length = 0;
      }
      modelMs = Math.min(modelMs, cpuMs() - c0);
    }
    const bin = join(root, 'bin', 'urd.mjs');
    const env = { URD_NO_REPORT: '' };
    let run: ChildCost | null = null;
    let charts: ChildCost | null = null;
    for (let k = 0; k < reps; k++) {
      const out = join(dir, `run${k}`);
      const r = childCost(root, [bin, 'run', scenarioPath, '--out', out, '--quiet'], env);
      const c = childCost(root, [bin, 'report', out], env);
      if (!run || r.cpuMs < run.cpuMs) run = r;
      if (!charts || c.cpuMs < charts.cpuMs) charts = c;
    }
    return { scenario: scenarioPath, modelMs, charts: charts!, run: run! };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
