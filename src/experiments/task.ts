import { runScenario } from '../run/runScenario.ts';
import type { Scenario } from '../scenario/schema.ts';
import { writeRecord, type RunRecord } from './store.ts';

/** One run as a worker receives it: the resolved scenario (seed included) and where to record it. */
export interface RunTask {
  scenario: Scenario;
  run: number;
  point: number;
  replication: number;
  pointHash: string;
  recordPath: string;
  /** Run folder for per-run metrics, or null to keep only the summary. */
  runDir: string | null;
}

/**
 * Runs one task and writes its record atomically, in the thread that ran it, so a finished run
 * is durable even if the main thread dies the next moment. Returns the run index. The same
 * function serves worker threads and in-process runs, so both write the same bytes.
 */
export function executeRun(task: RunTask): number {
  const { summary } = runScenario(task.scenario, task.runDir ? { dir: task.runDir } : {});
  const record: RunRecord = {
    run: task.run,
    point: task.point,
    replication: task.replication,
    seed: task.scenario.seed,
    pointHash: task.pointHash,
    summary,
  };
  writeRecord(task.recordPath, record);
  return task.run;
}
