import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AtomicFile, PARTIAL_SUFFIX, writeFileAtomic } from '../io/atomic.ts';
import { readFolderJson } from '../io/outputFolder.ts';
import { readRegularFile } from '../io/readFile.ts';
import { summaryProblem } from '../io/summaryCheck.ts';
import { csvLine } from '../io/csv.ts';
import type { RunSummary } from '../metrics/summary.ts';
import { InputError } from '../scenario/load.ts';
import type { ExperimentPlan } from './load.ts';
import { rerunCommand } from './load.ts';
import { metricValue } from './metrics.ts';
import { EXPERIMENT_LIMITS, describeIssue, designSchema, scalar } from './schema.ts';
import { replicationSeeds, SEED_FUNCTION } from './seeds.ts';
import { SAFE_NAME } from '../scenario/schema.ts';
import { z } from 'zod';

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

const count = (min: number, max: number) => z.number().int().min(min).max(max);

/**
 * What sweep.json must hold, checked like any input: a hand-edited count cannot allocate
 * without bound, and every list must agree with the counts (so aggregate and merge never read
 * past a list or write rows of NA over a good result).
 */
const planDocSchema = z
  .strictObject({
    format: z.literal('urd-sweep/1'),
    name: z.string().max(80).regex(SAFE_NAME),
    experiment: z.string().min(1).max(4096),
    base: z.string().min(1).max(4096),
    set: z.array(z.string().max(4096)).max(10_000),
    seed: count(0, 2 ** 32 - 1),
    seedFunction: z.literal(SEED_FUNCTION),
    replications: count(1, EXPERIMENT_LIMITS.maxReplications),
    design: designSchema,
    parameters: z.array(z.string().min(1).max(4096)).max(1000),
    metrics: z.array(z.string().min(1).max(200)).min(1).max(1000),
    perRunMetrics: z.boolean(),
    runs: count(1, EXPERIMENT_LIMITS.maxRuns),
    seeds: z.array(count(0, 2 ** 32 - 1)),
    morris: z
      .strictObject({
        levels: count(2, 1000),
        delta: z.number().finite(),
        trajectories: z.array(z.array(z.strictObject({ factor: count(0, 999), sign: z.union([z.literal(1), z.literal(-1)]) }))),
      })
      .nullable(),
    points: z.array(z.strictObject({ values: z.array(scalar), hash: z.string().regex(/^[0-9a-f]{64}$/) })).min(1).max(EXPERIMENT_LIMITS.maxPoints),
  });

/** Cross-field checks of a sweep.json whose fields are each valid (so every count is bounded): the first disagreement, or null. */
function planDocProblem(doc: z.infer<typeof planDocSchema>): [string, string] | null {
  if (doc.runs !== doc.points.length * doc.replications) return ['runs', `expected ${doc.points.length} points × ${doc.replications} replications = ${doc.points.length * doc.replications}, got ${doc.runs}`];
  const seeds = replicationSeeds(doc.seed, doc.replications);
  if (doc.seeds.length !== seeds.length || doc.seeds.some((s, i) => s !== seeds[i])) return ['seeds', `expected the ${doc.replications} seeds that seed ${doc.seed} derives`];
  const k = doc.parameters.length;
  const i = doc.points.findIndex((p) => p.values.length !== k);
  if (i >= 0) return [`points.${i}.values`, `expected ${k} values, one per parameter`];
  if ((doc.design.type === 'morris') !== (doc.morris !== null)) return ['morris', 'expected a Morris plan exactly when the design is morris'];
  if (doc.morris && doc.morris.trajectories.some((t) => t.length !== k || t.some((step) => step.factor >= k))) return ['morris.trajectories', `expected ${k} steps per trajectory over parameters 0..${k - 1}`];
  if (doc.morris && doc.points.length !== doc.morris.trajectories.length * (k + 1)) return ['points', 'expected k + 1 points per Morris trajectory'];
  return null;
}

/** Reads a sweep folder's plan back from sweep.json (for aggregate and merge, which need no experiment file), validated like any input. */
export function readPlan(dir: string): ExperimentPlan {
  const path = join(dir, SWEEP_FILES.plan);
  if (!existsSync(path)) throw new InputError(dir, null, null, `not a sweep folder (no ${SWEEP_FILES.plan})`);
  const raw = readFolderJson(path, 'sweep.json');
  const parsed = planDocSchema.safeParse(raw);
  const edited = '(edited by hand? the sweep.json a sweep writes is never changed afterwards)';
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(path, issue.path.join('.') || null, null, `${describeIssue(issue, raw)} ${edited}`);
  }
  const doc = parsed.data;
  const problem = planDocProblem(doc);
  if (problem) throw new InputError(path, problem[0], null, `${problem[1]} ${edited}`);
  return {
    file: doc.experiment,
    name: doc.name,
    base: doc.base,
    fixed: doc.set,
    seed: doc.seed,
    replications: doc.replications,
    design: doc.design,
    parameters: doc.parameters,
    points: doc.points.map((p) => p.values),
    morris: doc.morris as ExperimentPlan['morris'],
    metrics: doc.metrics,
    perRunMetrics: doc.perRunMetrics,
    seeds: doc.seeds,
    pointHashes: doc.points.map((p) => p.hash),
  };
}

/** Largest run record read (a record is a few KB: one run's summary). */
const MAX_RECORD_BYTES = 1 << 20;

/** Writes a run's record atomically: once it exists, the run counts as done. */
export function writeRecord(path: string, record: RunRecord): void {
  writeFileAtomic(path, JSON.stringify(record) + '\n');
}

/** Reads a run's record, or null when it is missing, unreadable or not of this plan. */
export function readRecord(dir: string, plan: ExperimentPlan, run: number): RunRecord | null {
  let rec: RunRecord;
  try {
    rec = JSON.parse(readRegularFile(recordPath(dir, plan, run), MAX_RECORD_BYTES).toString('utf8'));
  } catch {
    return null;
  }
  const point = Math.floor(run / plan.replications);
  const replication = run % plan.replications;
  const ok =
    rec.run === run && rec.point === point && rec.replication === replication && rec.seed === plan.seeds[replication] && rec.pointHash === plan.pointHashes[point];
  return ok && summaryProblem(rec.summary) === null ? rec : null;
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
