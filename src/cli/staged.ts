import { ComparisonStopped } from '../experiments/compare.ts';
import { commitStaged, discardStaging, type OutputTarget } from '../io/outputFolder.ts';
import { finishComplete } from './args.ts';
import { stopOnSignals } from './signals.ts';

/**
 * Runs a comparison into its staging folder, moves it into place once complete, then writes its
 * reports and prints what `print` makes of them (see {@link finishComplete}). Ctrl-C or SIGTERM
 * stops it between runs: the staging folder is removed, the folder asked for is left as it was,
 * one line says so, and the exit code is 130; once the comparison is in place, a signal gives
 * 130 and one line saying it is complete. Any error removes the staging folder too: a
 * comparison is never left half-made.
 */
export async function runStaged<T>(
  target: OutputTarget,
  work: (shouldStop: () => boolean) => Promise<T>,
  reports: ((result: T) => Promise<string[]>) | null,
  print: (result: T, reports: string[]) => string,
): Promise<number> {
  const signals = stopOnSignals('run');
  try {
    let result: T;
    try {
      result = await work(() => signals.stopped() !== null);
      signals.quiet();
      commitStaged(target.writeTo);
    } catch (err) {
      discardStaging(target);
      if (!(err instanceof ComparisonStopped)) throw err;
      process.stderr.write(`urd: ${signals.stopped()}: ${err.message}; ${target.dir} is as it was: run the command again to compare\n`);
      return 130;
    }
    const done = result;
    return await finishComplete(target.dir, signals, reports && (() => reports(done)), (paths) => print(done, paths));
  } finally {
    signals.remove();
  }
}
