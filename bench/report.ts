/**
 * The benchmark's results: their shape in bench/results.json, the performance targets of
 * docs/performance.md judged against them, and the tables printed at the end of a run.
 */
import type { ChartsResult } from './charts.ts';
import type { KernelResult, ModelResult } from './child.ts';
import { STAGE_NAMES } from './child.ts';
import type { MachineInfo } from './measure.ts';
import type { PeerName } from './peers.ts';
import type { UserMeasurements } from './userTargets.ts';
import { describeUserMeasurements, judgeUserTargets } from './userTargets.ts';

/** Everything one `npm run bench` measured, as written to bench/results.json. */
export interface BenchResults {
  schema: 1;
  createdAt: string;
  mode: 'quick' | 'default' | 'full';
  machine: MachineInfo;
  peers: { versions: Record<PeerName, string>; available: PeerName[]; problems: string[] };
  model: ModelResult[];
  kernel: KernelResult[];
  /** Full model at a fixed resident count with the place count scaled. */
  places: ModelResult[];
  /** Rendering every run chart of a 50-tick run, against the run itself (null when it broke). */
  charts: ChartsResult | null;
  /** What a user waits on (start-up, a run end to end, 100k places, sweeps); null: not measured. */
  user: Omit<UserMeasurements, 'model'>;
  /** The machine's 1-minute load average when the run started (wall-time ratios need a quiet machine). */
  loadAverage: number;
  targets: Target[];
  /** Measurements that broke (a child crashed, variants disagreed); any makes the run fail. */
  failures: string[];
  elapsedSeconds: number;
}

/** One target of the performance issue, judged on this run. */
export interface Target {
  name: string;
  target: string;
  measured: string;
  /** true met, false missed, null not measured in this mode. */
  met: boolean | null;
  /** How far off: measured ÷ required for a missed target (in the target's direction). */
  shortBy?: number;
}

const M = 1_000_000;

/** Judges the issue's targets on a run's results (targets not measured in this mode have met = null). */
export function judgeTargets(r: Omit<BenchResults, 'targets'>): Target[] {
  const out: Target[] = [];
  const model1M = r.model.find((m) => m.residents === M && m.placeScale === 1);
  out.push(
    model1M
      ? atLeast('Full model throughput at 1M residents', model1M.residentTicksPerSecond / M, 3, 'M resident-ticks/s')
      : notMeasured('Full model throughput at 1M residents', '≥ 3 M resident-ticks/s'),
  );
  // Judged at the size where the engine is furthest from the limit.
  const worst = r.kernel.filter((k) => k.variants.engine).sort((a, b) => b.variants.engine!.overLimit - a.variants.engine!.overLimit)[0];
  out.push(
    worst
      ? atMost(`Engine kernel over the limit (worst size: ${label(worst.residents)})`, worst.variants.engine!.overLimit, 1.5, '×')
      : notMeasured('Engine kernel over the limit', '≤ 1.5×'),
  );
  const k1M = r.kernel.find((k) => k.residents === M);
  const as = k1M?.variants.agentscript;
  out.push(as ? atLeast('AgentScript time over urd engine at 1M', as.overEngine, 2, '×') : notMeasured('AgentScript time over urd engine at 1M', '≥ 2×'));
  const fl = k1M?.variants.flocc;
  out.push(fl ? atLeast('Flocc time over urd engine at 1M', fl.overEngine, 100, '×') : notMeasured('Flocc time over urd engine at 1M', '≥ 100×'));
  out.push(
    model1M
      ? atMost('Memory per resident at 1M (peak RSS − baseline)', model1M.bytesPerResident, 100, 'B')
      : notMeasured('Memory per resident at 1M (peak RSS − baseline)', '≤ 100 B'),
  );
  out.push(
    r.charts
      ? {
          name: `Charts of a ${r.charts.ticks}-tick run (${r.charts.charts} charts)`,
          target: '≈ 2 s or less, not dominating the run',
          measured: `${fmt(r.charts.chartsMs / 1000)} s (run ${fmt(r.charts.runMs / 1000)} s)`,
          met: r.charts.chartsMs <= 2_000 && r.charts.chartsMs <= r.charts.runMs,
        }
      : notMeasured('Charts of a 50-tick run', '≈ 2 s or less'),
  );
  const model10M = r.model.find((m) => m.residents === 10 * M && m.placeScale === 1);
  const limit = r.machine.memoryGiB * 2 ** 30;
  out.push(
    model10M
      ? {
          name: '10M residents × 10 ticks within memory',
          target: `completes, peak RSS < ${r.machine.memoryGiB} GiB`,
          measured: `completed, peak ${(model10M.peakRss / 2 ** 30).toFixed(2)} GiB`,
          met: model10M.ticks >= 10 && model10M.peakRss < limit,
        }
      : notMeasured('10M residents × 10 ticks within memory', 'completes (run with --full)'),
  );
  out.push(...judgeUserTargets({ ...r.user, model: r.model }));
  return out;
}

export function atLeast(name: string, value: number, required: number, unit: string): Target {
  const met = value >= required;
  return { name, target: `≥ ${required}${unit === '×' ? '×' : ` ${unit}`}`, measured: fmtUnit(value, unit), met, ...(met ? {} : { shortBy: required / value }) };
}

export function atMost(name: string, value: number, required: number, unit: string): Target {
  const met = value <= required;
  return { name, target: `≤ ${required}${unit === '×' ? '×' : ` ${unit}`}`, measured: fmtUnit(value, unit), met, ...(met ? {} : { shortBy: value / required }) };
}

/** What a target not measured in a mode shows (a target measured but not judged says why instead). */
export const NOT_MEASURED = 'not measured in this mode';

function notMeasured(name: string, target: string): Target {
  return { name, target, measured: NOT_MEASURED, met: null };
}

function fmtUnit(value: number, unit: string): string {
  return unit === '×' ? `${fmt(value)}×` : `${fmt(value)} ${unit}`;
}

/** A number with about three significant digits. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(2);
}

/** 10000 → "10k", 1000000 → "1M". */
export function label(n: number): string {
  if (n >= M && n % M === 0) return `${n / M}M`;
  if (n >= 1000 && n % 1000 === 0) return `${n / 1000}k`;
  return String(n);
}

function table(head: string[], rows: string[][]): string {
  const width = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => '| ' + cells.map((x, c) => (c === 0 ? x.padEnd(width[c]) : x.padStart(width[c]))).join(' | ') + ' |';
  return [line(head), '|' + width.map((w, c) => (c === 0 ? ':' : '') + '-'.repeat(w + 1) + (c === 0 ? '' : ':')).join('|') + '|', ...rows.map(line)].join('\n');
}

const MiB = 2 ** 20;

/** The model results as a markdown table: throughput, time per stage, metrics cost and memory. */
export function modelTable(results: readonly ModelResult[]): string {
  return table(
    ['residents', 'places', 'ticks', 'ms/tick', 'wall ms', 'M res-ticks/s', ...STAGE_NAMES, 'other', 'metrics ms', 'peak RSS MiB', 'B/resident', 'peak with metrics MiB', '× kernel limit'],
    results.map((m) => [
      label(m.residents),
      String(m.places),
      String(m.ticks),
      fmt(m.msPerTick),
      fmt(m.wallMsPerTick),
      fmt(m.residentTicksPerSecond / M),
      ...m.stageMs.map(fmt),
      fmt(m.otherMs),
      fmt(m.reportMs),
      fmt(m.peakRss / MiB),
      fmt(m.bytesPerResident),
      fmt(m.peakRssWithReport / MiB),
      m.referenceMsPerTick > 0 ? fmt(m.msPerTick / m.referenceMsPerTick) : '–',
    ]),
  );
}

/** The side-by-side kernel results as a markdown table: ms per tick and ratios. */
export function kernelTable(results: readonly KernelResult[]): string {
  const cell = (k: KernelResult, name: 'engine' | PeerName) => {
    const v = k.variants[name];
    if (!v) return '–';
    return `${fmt(v.msPerTick)} (×${fmt(name === 'engine' ? v.overLimit : v.overEngine)}${v.ticks < (k.variants.limit?.ticks ?? 0) ? `, ${v.ticks}t` : ''})`;
  };
  return table(
    ['residents', 'limit ms/tick', 'engine ms/tick (× limit)', 'AgentScript ms/tick (× engine)', 'Flocc ms/tick (× engine)', 'M res-ticks/s limit / engine'],
    results.map((k) => [
      label(k.residents),
      fmt(k.variants.limit!.msPerTick),
      cell(k, 'engine'),
      cell(k, 'agentscript'),
      cell(k, 'flocc'),
      `${fmt(k.variants.limit!.residentTicksPerSecond / M)} / ${fmt(k.variants.engine!.residentTicksPerSecond / M)}`,
    ]),
  );
}

/** The peers' set-up cost and memory per agent. */
export function peerTable(results: readonly KernelResult[]): string {
  const rows: string[][] = [];
  for (const k of results) {
    for (const name of ['agentscript', 'flocc'] as const) {
      const v = k.variants[name];
      if (v) rows.push([label(k.residents), `${name}@${v.version}`, String(v.ticks), fmt(v.setupMs ?? 0), fmt(v.bytesPerAgent ?? 0), fmt(v.overLimit)]);
    }
  }
  return rows.length ? table(['residents', 'peer', 'ticks', 'setup ms', 'B/agent', '× limit'], rows) : '(no peer ran)';
}

/** The targets as a markdown table. */
export function targetTable(targets: readonly Target[]): string {
  return table(
    ['target', 'required', 'measured', 'status'],
    targets.map((t) => [t.name, t.target, t.measured, t.met === null ? (t.measured === NOT_MEASURED ? 'not measured' : 'not judged') : t.met ? 'met' : `MISSED (off by ${fmt(t.shortBy ?? 1)}×)`]),
  );
}

/** Every table of a run, as printed at its end. */
export function renderResults(r: BenchResults): string {
  const parts = [
    `urd benchmark (${r.mode}) on ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, node ${r.machine.node}; ${fmt(r.elapsedSeconds)} s`,
    '',
    'Times are CPU ms per tick, each tick at its fastest repetition (wall ms shown for the model).',
    '',
    'Full model (tick: edits + plan + 5 stages + ledger reconciliation; metrics = one reportTick, not included):',
    modelTable(r.model),
  ];
  if (r.places.length) parts.push('', 'Full model against places (default map: every place within reach of every other, so field pairs ∝ places²):', modelTable(r.places));
  parts.push('', 'Kernel side by side (stage 4 with identical draws; levels and output checked equal every tick):', kernelTable(r.kernel));
  parts.push('', 'Peers:', peerTable(r.kernel));
  if (r.peers.problems.length) parts.push('', ...r.peers.problems.map((p) => `note: ${p}`));
  if (r.charts) {
    const slowest = Object.entries(r.charts.perChartMs).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([id, ms]) => `${id} ${fmt(ms)} ms`).join(', ');
    parts.push('', `Charts: ${r.charts.charts} run charts of a ${r.charts.ticks}-tick, ${label(r.charts.residents)}-resident run in ${fmt(r.charts.chartsMs)} ms (the run: ${fmt(r.charts.runMs)} ms); slowest: ${slowest}`);
  }
  const user = describeUserMeasurements({ ...r.user, model: r.model });
  if (user.length) parts.push('', ...user);
  parts.push('', `Targets (load average ${fmt(r.loadAverage)} on ${r.machine.cores} cores at the start; wall-time ratios need a quiet machine):`, targetTable(r.targets));
  if (r.failures.length) parts.push('', 'FAILURES:', ...r.failures.map((f) => `  - ${f}`));
  return parts.join('\n');
}
