import { join } from 'node:path';
import Tinypool from 'tinypool';
import { OutputError } from '../io/atomic.ts';
import { openPlannedFolder } from '../io/outputFolder.ts';
import { scenarioHash } from '../io/runFolder.ts';
import { InputError } from '../scenario/load.ts';
import { writeAggregates } from './aggregate.ts';
import { pointScenario, rerunCommand, type ExperimentPlan } from './load.ts';
import { inShard, type Shard } from './shard.ts';
import { finishedRuns, OrderedRows, planJson, recordPath, removePartials, runCount, runId, SWEEP_FILES } from './store.ts';
import { executeRun, type RunTask } from './task.ts';

/** Options of {@link runSweep}. */
export interface SweepOptions {
  /** Sweep folder: created, or continued when it already holds this experiment. */
  dir: string;
  /** Runs at once: 1 runs in this thread, more use a pool of worker threads. */
  workers: number;
  /** Run only this shard's runs (a cluster task); null runs them all. */
  shard?: Shard | null;
  /** Aborting stops the sweep: no new runs start and runs in flight are dropped (a resume redoes them). */
  signal?: AbortSignal;
  /** Called with this process's finished and total runs, at the start and as each run ends. */
  onProgress?: (done: number, total: number) => void;
}

/** What a sweep call did. */
export interface SweepResult {
  /** Runs this process is responsible for (all, or its shard's). */
  total: number;
  /** Of those, how many were already done when it started. */
  skipped: number;
  ran: number;
  interrupted: boolean;
  /** True when runs.csv and the aggregates were written (every run of the sweep is done). */
  finalized: boolean;
}

/** A failed run: names it and the command that reproduces it alone. */
export class RunFailure extends Error {}

/**
 * Creates the sweep folder with its sweep.json, or checks that an existing one holds this very
 * experiment (same points, seeds and metrics) so that continuing it cannot mix two sweeps.
 */
export function openSweepDir(dir: string, plan: ExperimentPlan): void {
  openPlannedFolder(dir, {
    kind: 'sweep',
    plan: SWEEP_FILES.plan,
    text: planJson(plan),
    records: SWEEP_FILES.records,
    mismatch: `does not match what ${plan.file} resolves to now (the experiment, its base scenario or its metrics changed)`,
  });
}

/** Writes runs.csv and the aggregates of a folder that holds every run's record. */
export function finalizeSweep(dir: string, plan: ExperimentPlan): void {
  const rows = new OrderedRows(dir, plan, finishedRuns(dir, plan));
  if (!rows.complete) {
    rows.abandon();
    throw new Error(`${dir} does not hold every run yet`);
  }
  rows.commit();
  writeAggregates(dir, plan);
  removePartials(dir);
}

function makeTask(dir: string, plan: ExperimentPlan, run: number): RunTask {
  const point = Math.floor(run / plan.replications);
  const replication = run % plan.replications;
  const scenario = pointScenario(plan, point, plan.seeds[replication]);
  if (scenarioHash({ ...scenario, seed: 0 }) !== plan.pointHashes[point]) {
    throw new InputError(plan.base, null, null, `changed since the sweep started (point ${point} now resolves to another scenario); restore it or start a new sweep`);
  }
  return {
    scenario,
    run,
    point,
    replication,
    pointHash: plan.pointHashes[point],
    recordPath: recordPath(dir, plan, run),
    runDir: plan.perRunMetrics ? join(dir, SWEEP_FILES.records, runId(plan, run)) : null,
  };
}

function failure(err: unknown, plan: ExperimentPlan, run: number): Error {
  if (err instanceof InputError || err instanceof OutputError || err instanceof RunFailure) return err;
  const point = Math.floor(run / plan.replications);
  const rerun = rerunCommand(plan, point, run % plan.replications);
  return new RunFailure(`run ${run} (point ${point}) failed: ${(err as Error)?.message ?? String(err)}; rerun it alone with: ${rerun}`);
}

/** Runs the given runs; `make` builds a task, `done` records a finished run, `fail` explains an error. */
type Runner = (
  runs: readonly number[],
  make: (run: number) => RunTask,
  done: (run: number) => void,
  fail: (err: unknown, run: number) => Error,
  signal?: AbortSignal,
) => Promise<void>;

/** Runs tasks one after another in this thread, yielding between runs so Ctrl-C is noticed. */
const inProcess: Runner = async (runs, make, done, fail, signal) => {
  for (const run of runs) {
    if (signal?.aborted) return;
    try {
      executeRun(make(run));
    } catch (err) {
      throw fail(err, run);
    }
    done(run);
    await new Promise((resolve) => setImmediate(resolve));
  }
};

/** Runs tasks on `workers` threads, keeping a short queue so scenarios are built only just before they run. */
function pooled(workers: number): Runner {
  return async (runs, make, done, fail, signal) => {
    const pool = new Tinypool({ filename: new URL('./worker.mjs', import.meta.url).href, minThreads: workers, maxThreads: workers });
    const inflight = new Set<Promise<void>>();
    const aborted = new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true }));
    let failed: Error | null = null;
    let next = 0;
    try {
      while (!failed && !signal?.aborted) {
        while (!failed && next < runs.length && inflight.size < 2 * workers) {
          const run = runs[next++];
          let task: RunTask;
          try {
            task = make(run);
          } catch (err) {
            failed = fail(err, run);
            break;
          }
          const p: Promise<void> = pool
            .run(task)
            .then(
              () => done(run),
              (err: unknown) => {
                // Runs cut short by an abort are not failures: a resume redoes them.
                if (!signal?.aborted) failed ??= fail(err, run);
              },
            )
            .catch((err: unknown) => {
              failed ??= fail(err, run);
            })
            .finally(() => inflight.delete(p));
          inflight.add(p);
        }
        if (inflight.size === 0) break;
        await Promise.race([...inflight, aborted]);
      }
    } finally {
      await pool.destroy();
      await Promise.allSettled([...inflight]);
    }
    if (failed) throw failed;
  };
}

/**
 * Runs the missing runs of a sweep (or of one shard) and, once every run of the sweep is done,
 * writes runs.csv (streamed in run order as runs end) and the aggregates. Every finished run
 * leaves its record in runs/ at once, so an interrupted sweep loses at most the runs in flight
 * and a later call with the same folder does only what is missing. The files written do not
 * depend on the number of workers, on interruptions or on sharding.
 */
export async function runSweep(plan: ExperimentPlan, options: SweepOptions): Promise<SweepResult> {
  const { dir, shard = null, signal } = options;
  openSweepDir(dir, plan);
  const done = finishedRuns(dir, plan);
  const mine: number[] = [];
  for (let run = 0; run < runCount(plan); run++) if (inShard(run, shard)) mine.push(run);
  const todo = mine.filter((run) => !done[run]);
  const skipped = mine.length - todo.length;
  const rows = shard ? null : new OrderedRows(dir, plan, done);
  let finished = skipped;
  options.onProgress?.(finished, mine.length);
  const make = (run: number) => makeTask(dir, plan, run);
  const onDone = (run: number) => {
    if (rows) rows.finished(run);
    else done[run] = 1;
    finished++;
    options.onProgress?.(finished, mine.length);
  };
  const runner = options.workers > 1 && todo.length > 1 ? pooled(Math.min(options.workers, todo.length)) : inProcess;
  try {
    await runner(todo, make, onDone, (err, run) => failure(err, plan, run), signal);
  } catch (err) {
    rows?.abandon();
    throw err;
  }
  const result = { total: mine.length, skipped, ran: finished - skipped, interrupted: false, finalized: false };
  if (finished < mine.length) {
    rows?.abandon();
    // Shards may share the folder with others still writing, so only a whole sweep tidies up.
    if (!shard) removePartials(dir);
    return { ...result, interrupted: true };
  }
  // A shard leaves runs.csv and the aggregates to urd merge, the one step that sees every shard.
  if (!rows) return result;
  rows.commit();
  writeAggregates(dir, plan);
  removePartials(dir);
  return { ...result, finalized: true };
}
