/**
 * Builds the plain data of comparison charts from run folders on disk: per-tick means with
 * 95% t-intervals over the replications of each scenario, and final values per programme.
 * For commands that keep their own numbers, the chart functions take plain data directly.
 */
import { tConfidenceInterval } from '../metrics/convergence.ts';
import type { BarDatum, TrajectorySeries } from './compareCharts.ts';
import { readMetrics } from './read.ts';
import { join } from 'node:path';

/** A labelled group of run folders: the replications of one scenario or programme. */
export interface RunGroup {
  label: string;
  dirs: string[];
}

/** Mean and 95% interval per tick over several series (ticks present in every series only). */
export function meanBand(label: string, series: readonly { ticks: number[]; values: number[] }[]): TrajectorySeries {
  if (!series.length) return { label, ticks: [], mean: [], lo: [], hi: [] };
  const maps = series.map((s) => new Map(s.ticks.map((t, i) => [t, s.values[i]])));
  const ticks = series[0].ticks.filter((t) => maps.every((m) => m.has(t)));
  const out: TrajectorySeries = { label, ticks, mean: [], lo: [], hi: [] };
  for (const t of ticks) {
    const ci = tConfidenceInterval(maps.map((m) => m.get(t) as number));
    out.mean.push(ci.mean);
    out.lo!.push(ci.lo);
    out.hi!.push(ci.hi);
  }
  return out;
}

/** The trajectory of a metric for each group of run folders (reads only that metric's rows). */
export function trajectoriesFromRuns(groups: readonly RunGroup[], metric = 'dpd', scope = 'all'): TrajectorySeries[] {
  return groups.map((g) =>
    meanBand(
      g.label,
      g.dirs.map((d) => readMetrics(join(d, 'metrics.csv'), { metrics: [metric], scopes: [scope] }).series(metric, scope)),
    ),
  );
}

/** The final value of a metric per group (mean and 95% interval over its runs), for the gap bar chart. */
export function finalBarsFromRuns(groups: readonly RunGroup[], metric = 'dpd', scope = 'all'): BarDatum[] {
  return groups.map((g) => {
    const finals = g.dirs
      .map((d) => readMetrics(join(d, 'metrics.csv'), { metrics: [metric], scopes: [scope] }).series(metric, scope).values)
      .map((v) => v[v.length - 1])
      .filter((v) => Number.isFinite(v));
    const ci = tConfidenceInterval(finals);
    return finals.length > 1 ? { label: g.label, value: ci.mean, lo: ci.lo, hi: ci.hi } : { label: g.label, value: ci.mean };
  });
}
