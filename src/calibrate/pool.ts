import Tinypool from 'tinypool';
import { simulate, type SimTask } from './simulate.ts';

/**
 * Runs model runs for the calibration (the worker's file name differs from the sweep's, since the
 * build puts both workers beside the CLI in dist/cli/): in this thread with one worker, else on a tinypool of
 * worker threads kept for the whole calibration (threads cost a tsx start-up each, so they are
 * not rebuilt per population). Results come back in task order whatever order runs end in.
 */
export class SimPool {
  private pool: Tinypool | null;

  constructor(readonly workers: number) {
    this.pool = workers > 1 ? new Tinypool({ filename: new URL('./calibrate-worker.mjs', import.meta.url).href, minThreads: workers, maxThreads: workers }) : null;
  }

  /**
   * Runs the tasks; `done(i, result)` is called as each ends (so the caller can record it at
   * once). With an aborted signal no new run starts and the call returns early.
   */
  async run(tasks: readonly SimTask[], done: (i: number, result: number[][]) => void, signal?: AbortSignal): Promise<void> {
    if (!this.pool) {
      for (let i = 0; i < tasks.length; i++) {
        if (signal?.aborted) return;
        done(i, simulate(tasks[i]));
        // Yield between runs, so Ctrl-C and other shards' timers are noticed.
        await new Promise((resolve) => setImmediate(resolve));
      }
      return;
    }
    const pool = this.pool;
    let next = 0;
    const lane = async () => {
      while (next < tasks.length && !signal?.aborted) {
        const i = next++;
        const result = (await pool.run(tasks[i])) as number[][];
        if (!signal?.aborted) done(i, result);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.workers * 2, tasks.length) }, lane));
  }

  /** Stops the worker threads. */
  async close(): Promise<void> {
    await this.pool?.destroy();
    this.pool = null;
  }
}
