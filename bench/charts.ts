/**
 * Chart rendering against the run it draws: a 50-tick baseline run (100k residents) is written
 * to a temporary folder, then every run chart is rendered from its files. The charts target is
 * about 2 s in all, and rendering should not dominate the run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderRunCharts } from '../src/report/index.ts';
import { runScenario } from '../src/run/runScenario.ts';
import { scenarioSchema } from '../src/scenario/schema.ts';

/** What the chart measurement found. */
export interface ChartsResult {
  residents: number;
  ticks: number;
  /** Wall ms of the run itself (model, metrics and files). */
  runMs: number;
  /** Wall ms to read the folder and render every chart (best of `reps`). */
  chartsMs: number;
  charts: number;
  perChartMs: Record<string, number>;
}

/** Runs the baseline once and times its charts `reps` times, keeping the fastest. */
export function measureCharts(residents = 100_000, ticks = 50, reps = 3): ChartsResult {
  const dir = mkdtempSync(join(tmpdir(), 'urd-bench-charts-'));
  try {
    const scenario = scenarioSchema.parse({ name: 'bench-charts', ticks, world: { residents } });
    const t0 = performance.now();
    runScenario(scenario, { dir });
    const runMs = performance.now() - t0;
    let best: { ms: number; timings: Record<string, number>; charts: number } | null = null;
    for (let k = 0; k < reps; k++) {
      const t1 = performance.now();
      const r = renderRunCharts(dir);
      const ms = performance.now() - t1;
      if (!best || ms < best.ms) best = { ms, timings: r.timings, charts: r.charts.length };
    }
    const b = best as NonNullable<typeof best>;
    return { residents, ticks, runMs, chartsMs: b.ms, charts: b.charts, perChartMs: b.timings };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
