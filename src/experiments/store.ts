import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AtomicFile, PARTIAL_SUFFIX, writeFileAtomic } from '../io/atomic.ts';
import { csvLine } from '../io/csv.ts';
import type { RunSummary } from '../metrics/summary.ts';
import { InputError } from '../scenario/load.ts';
import type { ExperimentPlan } from './load.ts';
import { rerunCommand } from './load.ts';
import { metricValue } from './metrics.ts';
import { SEED_FUNCTION } from './seeds.ts';

/** The files of a sweep folder (run records and run folders live under `runs/`). */
export const SWEEP_FILES = {
  plan: 'sweep.json',
  runs: 'runs.csv',
  aggregate: 'aggregate.csv',
  morris: 'morris.csv',
  records: 'runs',
} as const;

/** What one finished run leaves in runs/<id>.json: enough to rebuild its row without rerunning it. */
export interface RunRecord {
  run: number;
  point: number;
  replication: number;
  seed: number;
  /** Hash of the point's scenario (seed 0), tying the record to the plan it was run for. */
  pointHash: string;
  summary: RunSummary;
}

/** Total runs of a plan. */
export function runCount(plan: ExperimentPlan): number {
  return plan.points.length * plan.replications;
}

/** Name of a run's record and folder: its index, zero-padded so names sort in run order. */
export function runId(plan: ExperimentPlan, run: number): string {
  return String(run).padStart(Math.max(4, String(runCount(plan) - 1).length), '0');
}

/** Path of a run's record file. */
export function recordPath(dir: string, plan: ExperimentPlan, run: number): string {
  return join(dir, SWEEP_FILES.records, `${runId(plan, run)}.json`);
}

/**
 * Returns sweep.json's text for a plan. It holds no clock, host, worker count or shard, so
 * every way of running the same experiment (any N, resumed, sharded and merged) writes the same
 * bytes; comparing it is how a folder is recognised as belonging to an experiment.
 */
export function planJson(plan: ExperimentPlan): string {
  const doc = {
    format: 'urd-sweep/1',
    name: plan.name,
    experiment: plan.file,
    base: plan.base,
    set: plan.fixed,
    seed: plan.seed,
    seedFunction: SEED_FUNCTION,
    replications: plan.replications,
    design: plan.design,
    parameters: plan.parameters,
    metrics: plan.metrics,
    perRunMetrics: plan.perRunMetrics,
    runs: runCount(plan),
    seeds: plan.seeds,
    morris: plan.morris,
    points: plan.points.map((values, i) => ({ values, hash: plan.pointHashes[i] })),
  };
  return JSON.stringify(doc, null, 1) + '\n';
}

/** Reads a sweep folder's plan back from sweep.json (for aggregate and merge, which need no experiment file). */
export function readPlan(dir: string): ExperimentPlan {
  const path = join(dir, SWEEP_FILES.plan);
  if (!existsSync(path)) throw new InputError(dir, null, null, `not a sweep folder (no ${SWEEP_FILES.plan})`);
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new InputError(path, null, null, 'not valid JSON; expected the sweep.json a sweep writes');
  }
  if (doc.format !== 'urd-sweep/1') throw new InputError(path, 'format', null, `expected "urd-sweep/1", got ${JSON.stringify(doc.format)}`);
  const points = doc.points as { values: ExperimentPlan['points'][number]; hash: string }[];
  return {
    file: doc.experiment as string,
    name: doc.name as string,
    base: doc.base as string,
    fixed: doc.set as string[],
    seed: doc.seed as number,
    replications: doc.replications as number,
    design: doc.design as ExperimentPlan['design'],
    parameters: doc.parameters as string[],
    points: points.map((p) => p.values),
    morris: doc.morris as ExperimentPlan['morris'],
    metrics: doc.metrics as string[],
    perRunMetrics: doc.perRunMetrics as boolean,
    seeds: doc.seeds as number[],
    pointHashes: points.map((p) => p.hash),
  };
}

/** Writes a run's record atomically: once it exists, the run counts as done. */
export function writeRecord(path: string, record: RunRecord): void {
  writeFileAtomic(path, JSON.stringify(record) + '\n');
}

/** Reads a run's record, or null when it is missing, unreadable or not of this plan. */
export function readRecord(dir: string, plan: ExperimentPlan, run: number): RunRecord | null {
  let rec: RunRecord;
  try {
    rec = JSON.parse(readFileSync(recordPath(dir, plan, run), 'utf8'));
  } catch {
    return null;
  }
  const point = Math.floor(run / plan.replications);
  const replication = run % plan.replications;
  const ok =
    rec.run === run && rec.point === point && rec.replication === replication && rec.seed === plan.seeds[replication] && rec.pointHash === plan.pointHashes[point];
  return ok && rec.summary ? rec : null;
}

/** Flags of the runs whose records exist and belong to this plan (a record of another plan is ignored and rerun). */
export function finishedRuns(dir: string, plan: ExperimentPlan): Uint8Array {
  const done = new Uint8Array(runCount(plan));
  const folder = join(dir, SWEEP_FILES.records);
  if (!existsSync(folder)) return done;
  for (const name of readdirSync(folder)) {
    const m = /^(\d+)\.json$/.exec(name);
    if (!m) continue;
    const run = Number(m[1]);
    if (run < done.length && name === `${runId(plan, run)}.json` && readRecord(dir, plan, run)) done[run] = 1;
  }
  return done;
}

/** Header of runs.csv: identifiers, the varied parameters, the kept metrics, the rerun command. */
export function runsHeader(plan: ExperimentPlan): string {
  return csvLine(['run', 'point', 'replication', 'seed', ...plan.parameters, ...plan.metrics, 'command']);
}

/** One runs.csv row, from a run's record (missing metrics as NA). */
export function runsRow(plan: ExperimentPlan, rec: RunRecord): string {
  const metrics = plan.metrics.map((m) => metricValue(rec.summary, m) ?? 'NA');
  return csvLine([rec.run, rec.point, rec.replication, rec.seed, ...plan.points[rec.point], ...metrics, rerunCommand(plan, rec.point, rec.replication)]);
}

/**
 * Streams runs.csv in run-index order while runs finish in any order: a finished run is only
 * flagged; rows are written from the records on disk as soon as every earlier run is done, so
 * memory holds flags, never results, and the file is the same whatever order runs end in.
 */
export class OrderedRows {
  private readonly file: AtomicFile;
  private next = 0;

  constructor(
    private readonly dir: string,
    private readonly plan: ExperimentPlan,
    private readonly done: Uint8Array,
  ) {
    this.file = new AtomicFile(join(dir, SWEEP_FILES.runs));
    this.file.write(runsHeader(plan));
    this.drain();
  }

  /** Marks a run done and writes every row that is now in order. */
  finished(run: number): void {
    this.done[run] = 1;
    this.drain();
  }

  private drain(): void {
    while (this.next < this.done.length && this.done[this.next]) {
      const rec = readRecord(this.dir, this.plan, this.next);
      if (!rec) throw new Error(`record of run ${this.next} disappeared from ${this.dir}`);
      this.file.write(runsRow(this.plan, rec));
      this.next++;
    }
    this.file.flush();
  }

  /** True when every row has been written. */
  get complete(): boolean {
    return this.next === this.done.length;
  }

  /** Renames runs.csv into place (call once complete). */
  commit(): void {
    if (!this.complete) throw new Error(`runs.csv is missing runs from ${this.next} on`);
    this.file.commit();
  }

  /** Removes the partial file (interrupted sweeps rebuild it on resume). */
  abandon(): void {
    this.file.abandon();
  }
}

/** Deletes leftover partial files of interrupted writers, so finished folders hold finished files only. */
export function removePartials(dir: string): void {
  for (const folder of [dir, join(dir, SWEEP_FILES.records)]) {
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder)) if (name.endsWith(PARTIAL_SUFFIX)) rmSync(join(folder, name), { force: true });
  }
}
