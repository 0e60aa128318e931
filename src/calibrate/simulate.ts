import type { MetricRow } from '../metrics/reporters.ts';
import { runScenario } from '../run/runScenario.ts';
import type { Scenario } from '../scenario/schema.ts';

/** What to read from a run for one observed series: the model metrics summed at a scope, times a scale, at the observed ticks. */
export interface SeriesProbe {
  scope: string;
  /** Model metrics whose values are summed (one, or level1..level3 for `level>=1`). */
  metrics: string[];
  scale: number;
  ticks: number[];
}

/** One model run of a candidate: its resolved scenario (seed included) and what to read from it. */
export interface SimTask {
  scenario: Scenario;
  probes: SeriesProbe[];
}

/**
 * Runs one scenario without a folder and returns, for each probe, the simulated values at its
 * ticks (NaN where the run reported nothing, e.g. a scope that emptied). Serves worker threads
 * and in-process runs alike, so both give the same numbers.
 */
export function simulate(task: SimTask): number[][] {
  const out = task.probes.map((p) => new Array<number>(p.ticks.length).fill(0));
  const seen = task.probes.map((p) => new Array<number>(p.ticks.length).fill(0));
  // (scope|metric) → probes reading it; tick → position in each probe's ticks.
  const readers = new Map<string, number[]>();
  task.probes.forEach((p, i) => {
    for (const m of p.metrics) readers.set(`${p.scope}|${m}`, [...(readers.get(`${p.scope}|${m}`) ?? []), i]);
  });
  const slot = task.probes.map((p) => new Map(p.ticks.map((t, k) => [t, k])));
  const onRows = (rows: readonly MetricRow[]) => {
    for (const r of rows) {
      const who = readers.get(`${r.scope}|${r.metric}`);
      if (!who) continue;
      for (const i of who) {
        const k = slot[i].get(r.tick);
        if (k === undefined) continue;
        out[i][k] += r.value * task.probes[i].scale;
        seen[i][k]++;
      }
    }
  };
  runScenario(task.scenario, { onRows });
  return out.map((vals, i) => vals.map((v, k) => (seen[i][k] === task.probes[i].metrics.length && Number.isFinite(v) ? v : NaN)));
}
