import { ComparisonStopped } from '../experiments/compare.ts';
import { commitStaged, discardStaging, type OutputTarget } from '../io/outputFolder.ts';
import { stopOnSignals } from './signals.ts';

/**
 * Runs a comparison into its staging folder and moves it into place once complete. Ctrl-C or
 * SIGTERM stops it between runs: the staging folder is removed, the folder asked for is left as
 * it was, one line says so, and the result is null (exit code 130). Any error removes the
 * staging folder too: a comparison is never left half-made.
 */
export async function runStaged<T>(target: OutputTarget, work: (shouldStop: () => boolean) => Promise<T>): Promise<T | null> {
  const signals = stopOnSignals('run');
  try {
    const result = await work(() => signals.stopped() !== null);
    commitStaged(target.writeTo);
    return result;
  } catch (err) {
    discardStaging(target);
    if (!(err instanceof ComparisonStopped)) throw err;
    process.stderr.write(`urd: ${signals.stopped()}: ${err.message}; ${target.dir} is as it was: run the command again to compare\n`);
    return null;
  } finally {
    signals.remove();
  }
}
