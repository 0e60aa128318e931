/**
 * The targets of what a user waits on (issue 16): start-up, a run end to end, measurement, a
 * world of 100,000 places, sweep throughput. Each is a ratio measured within one benchmark run.
 */
import { STAGE_NAMES, type ModelResult } from './child.ts';
import type { EndToEndResult } from './endToEnd.ts';
import type { ScaleResult } from './placesScale.ts';
import type { Target } from './report.ts';
import { fmt, label, NOT_MEASURED } from './report.ts';
import type { StartupResult } from './startup.ts';
import type { SweepThroughputResult } from './sweepThroughput.ts';
import { type ExportScaleResult, describeExport } from './exportScale.ts';

/** The measurements these targets read (null: not measured in this mode, or it broke). */
export interface UserMeasurements {
  startup: StartupResult | null;
  endToEnd: EndToEndResult | null;
  scale: ScaleResult | null;
  sweep: SweepThroughputResult | null;
  /** urd export of a small and a ten-times larger sweep folder (optional: older results.json lack it). */
  exportScale?: ExportScaleResult | null;
  model: readonly ModelResult[];
}

/**
 * The issue states the sweep targets for 1,000 runs; a smaller sweep is measured but not judged:
 * each process's fixed costs (start-up, compiling the model, ≈ 1.5 s of CPU per worker) weigh
 * ten times as much in 100 runs.
 */
const MIN_JUDGED_RUNS = 1000;

function ratioTarget(name: string, value: number | null, bound: number, direction: 'at most' | 'at least', detail = ''): Target {
  const target = `${direction === 'at most' ? '≤' : '≥'} ${bound}×`;
  if (value === null) return { name, target, measured: NOT_MEASURED, met: null };
  const met = direction === 'at most' ? value <= bound : value >= bound;
  return { name, target, measured: `${fmt(value)}×${detail ? ` (${detail})` : ''}`, met, ...(met ? {} : { shortBy: direction === 'at most' ? value / bound : bound / value }) };
}

/** Judges the targets on what was measured. */
export function judgeUserTargets(m: UserMeasurements): Target[] {
  const out: Target[] = [];
  const s = m.startup;
  const worst = s ? Object.entries(s.commandMs).sort((a, b) => b[1] - a[1])[0] : null;
  out.push(
    ratioTarget(
      'Start-up: slowest of urd --version, --help, list, validate over bare node',
      s && worst ? worst[1] / s.nodeMs : null,
      4,
      'at most',
      s && worst ? `${worst[0]} ${fmt(worst[1])} ms, node ${fmt(s.nodeMs)} ms${s.fromBuild ? '' : '; NOT from the build'}` : '',
    ),
  );
  const e = m.endToEnd;
  out.push(
    ratioTarget(
      'urd run baseline (with report) over model + charts, CPU',
      e ? e.run.cpuMs / (e.modelMs + e.charts.cpuMs) : null,
      1.5,
      'at most',
      e ? `run ${fmt(e.run.cpuMs)} ms; model ${fmt(e.modelMs)} + charts ${fmt(e.charts.cpuMs)} ms` : '',
    ),
  );
  for (const n of [1_000_000, 10_000_000]) {
    const r = m.model.find((x) => x.residents === n && x.placeScale === 1);
    out.push(ratioTarget(`reportTick over the model tick at ${label(n)}`, r ? r.reportMs / r.msPerTick : null, 0.3, 'at most', r ? `${fmt(r.reportMs)} ms against ${fmt(r.msPerTick)} ms` : ''));
  }
  const c = m.scale;
  out.push(
    ratioTarget(
      `Tick at ${c ? label(c.largePlaces) : '≈100k'} places over 151 places, 1M residents`,
      c ? c.largeMsPerTick / c.smallMsPerTick : null,
      2,
      'at most',
      c ? `${fmt(c.largeMsPerTick)} ms against ${fmt(c.smallMsPerTick)} ms` : '',
    ),
  );
  out.push(
    c
      ? { name: `Memory per resident at 1M with ${label(c.largePlaces)} places`, target: '≤ 100 B', measured: `${fmt(c.largeBytesPerResident)} B`, met: c.largeBytesPerResident <= 100, ...(c.largeBytesPerResident <= 100 ? {} : { shortBy: c.largeBytesPerResident / 100 }) }
      : { name: 'Memory per resident at 1M with ≈100k places', target: '≤ 100 B', measured: NOT_MEASURED, met: null },
  );
  const w = m.sweep;
  // Shown, not judged, below MIN_JUDGED_RUNS (the default run's 100, and --quick's 8, which are
  // there to check that 1 and 2 workers write the same files).
  const judged = w !== null && w.runs >= MIN_JUDGED_RUNS;
  const small = w && !judged ? `; ${w.runs} runs: too few to judge, the target needs ${MIN_JUDGED_RUNS} or more` : '';
  // From CPU times, which the machine's load does not change: an idle machine's speed-up is at
  // most workers × (one worker's CPU ÷ the pool's CPU), and its wall at least the pool's CPU ÷ workers.
  const speedup = ratioTarget(
    `Sweep of ${w ? w.runs : '–'} runs × ${w ? label(w.residents) : '10k'}: one worker's wall over ${w ? w.workers : 2} workers'`,
    w ? w.oneWorker.wallMs / w.pooled.wallMs : null,
    1.8,
    'at least',
    w ? `${fmt(w.oneWorker.wallMs / 1000)} s against ${fmt(w.pooled.wallMs / 1000)} s; from CPU at most ${fmt((w.workers * w.oneWorker.cpuMs) / w.pooled.cpuMs)}× on an idle machine${small}` : '',
  );
  const efficiency = ratioTarget(
    'Sweep wall over the sum of its runs ÷ workers',
    w ? w.pooled.wallMs / (w.sumRunMs / w.workers) : null,
    1.3,
    'at most',
    w ? `runs' own ${fmt(w.sumRunMs / 1000)} s (${fmt(w.runMs)} ms a run, median of ${w.sampled} alone); the pool's CPU ${fmt(w.pooled.cpuMs / w.sumRunMs)}× the runs' own${small}` : '',
  );
  out.push(...(judged ? [speedup, efficiency] : [speedup, efficiency].map((t): Target => ({ name: t.name, target: t.target, measured: t.measured, met: null }))));
  // Streaming (issue 15): ten times the runs, the same peak memory (the claim fails if the table is held).
  const x = m.exportScale;
  for (const format of ['parquet', 'csv'] as const) {
    const small = x?.small.find((e) => e.format === format);
    const large = x?.large.find((e) => e.format === format);
    out.push(
      ratioTarget(
        `urd export ${format}: peak RSS at ${large ? large.runs : '10×'} runs over ${small ? small.runs : 'the'} runs`,
        small && large ? large.peakRss / small.peakRss : null,
        // Held rows would grow tenfold (or break the capped heap); garbage collection's timing moves streaming's peak by up to a third.
        1.5,
        'at most',
        small && large ? `${fmt(large.peakRss / 2 ** 20)} MiB against ${fmt(small.peakRss / 2 ** 20)} MiB` : '',
      ),
    );
  }
  return out;
}

/** One paragraph of the extra numbers behind these targets, for the printed results. */
export function describeUserMeasurements(m: UserMeasurements): string[] {
  const lines: string[] = [];
  if (m.startup) lines.push(`Start-up (fastest wall ms): node -e 0 ${fmt(m.startup.nodeMs)}; ${Object.entries(m.startup.commandMs).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}${m.startup.fromBuild ? '' : ' (the build was stale: sources ran through tsx)'}`);
  if (m.endToEnd) lines.push(`End to end (${m.endToEnd.scenario}): run ${fmt(m.endToEnd.run.cpuMs)} CPU ms (${fmt(m.endToEnd.run.wallMs)} wall); model ${fmt(m.endToEnd.modelMs)}; urd report ${fmt(m.endToEnd.charts.cpuMs)} CPU ms`);
  if (m.scale) {
    const c = m.scale;
    lines.push(`Places: ${label(c.largePlaces)} places (${fmt(c.largePairs / 1e6)}M field pairs, built with the world in ${fmt(c.largeInitMs)} ms) ${fmt(c.largeMsPerTick)} ms/tick against ${c.smallPlaces} places ${fmt(c.smallMsPerTick)} ms/tick at ${label(c.residents)} residents`);
    const parts = [...STAGE_NAMES, 'ledger check'].map((name, k) => `${name} ${fmt(c.largeStageMs[k])} / ${fmt(c.smallStageMs[k])}`);
    lines.push(`Places, CPU ms a tick by stage (${label(c.largePlaces)} / ${c.smallPlaces} places): ${parts.join(', ')}`);
    lines.push(`Places, memory: ${fmt(c.largeBytesPerResident)} B per resident of peak RSS, of which typed arrays ${fmt(c.largeArrayBytesPerResident)} B (the rest is the JavaScript heap and code, which move with the collector's timing)`);
  }
  if (m.sweep) {
    const w = m.sweep;
    lines.push(`Sweep: ${w.runs} runs × ${label(w.residents)} residents × ${w.ticks} ticks; runs' own CPU ${fmt(w.sumRunMs / 1000)} s (${fmt(w.runMs)} ms a run, median of ${w.sampled} alone); 1 worker ${fmt(w.oneWorker.wallMs / 1000)} s wall (${fmt(w.oneWorker.cpuMs / 1000)} s CPU); ${w.workers} workers ${fmt(w.pooled.wallMs / 1000)} s wall (${fmt(w.pooled.cpuMs / 1000)} s CPU) = ${fmt((w.runs / w.pooled.wallMs) * 3_600_000)} runs per hour`);
  }
  if (m.exportScale) lines.push(...describeExport(m.exportScale));
  return lines;
}
