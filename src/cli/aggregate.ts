import { allRecorded, writeAggregates } from '../experiments/aggregate.ts';
import { readPlan, runCount, SWEEP_FILES } from '../experiments/store.ts';
import { InputError } from '../scenario/load.ts';
import { parseCommand } from './args.ts';

export const AGGREGATE_HELP = `urd aggregate DIR

Recomputes DIR/aggregate.csv from the run records of a finished sweep: for each point and kept
metric, the number of replications with a value, their mean, standard deviation and two-sided
t-based 95% confidence interval (mean ± t(0.975, n−1)·sd/√n; NA when n < 2). The verdict is
reported as the share of replications per category (verdict=narrowed, recent=widening, ...). For a Morris
design it also writes morris.csv: μ, μ* and σ of the elementary effects per metric and
parameter (on the replication means), with μ* ranks. Needs only DIR, not the experiment file.`;

/** `urd aggregate`: returns the exit code. */
export function aggregateCommand(args: string[]): number {
  const { values, positionals } = parseCommand('aggregate', args, { help: { type: 'boolean', short: 'h', default: false } });
  if (values.help) {
    process.stdout.write(AGGREGATE_HELP + '\n');
    return 0;
  }
  if (positionals.length !== 1) throw new InputError('urd aggregate', null, null, 'expected exactly one sweep folder');
  const dir = positionals[0];
  const plan = readPlan(dir);
  if (!allRecorded(dir, plan)) {
    throw new InputError(dir, null, null, `not every one of its ${runCount(plan)} runs is recorded; finish it with urd sweep --resume ${dir} (or urd merge the shards)`);
  }
  writeAggregates(dir, plan);
  process.stderr.write(`${dir}: ${SWEEP_FILES.aggregate}${plan.morris ? ` and ${SWEEP_FILES.morris}` : ''} written from ${runCount(plan)} runs\n`);
  process.stdout.write(`${dir}\n`);
  return 0;
}
