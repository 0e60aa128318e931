import { OutputError } from '../io/atomic.ts';
import { URD_VERSION } from '../io/runFolder.ts';
import { InputError } from '../scenario/inputError.ts';

/**
 * The commands, each a function from its arguments to an exit code. Each is imported when it
 * runs, so `urd --version` or `urd list` does not load the model, the sweep pool or the charts.
 */
const COMMANDS: Record<string, { summary: string; run: (args: string[]) => number | Promise<number> }> = {
  demo: { summary: 'the flagship comparison: backwash world, core-first vs periphery-first governance', run: async (a) => (await import('./demo.ts')).demoCommand(a) },
  list: { summary: 'list the stock scenarios and the question each asks', run: async (a) => (await import('./list.ts')).listCommand(a) },
  run: { summary: 'run a scenario and write a run folder', run: async (a) => (await import('./run.ts')).runCommand(a) },
  validate: { summary: 'check scenario files without running them', run: async (a) => (await import('./validate.ts')).validateCommand(a) },
  report: { summary: 'write report.html and charts/*.png for a run, sweep or comparison folder', run: async (a) => (await import('./report.ts')).reportCommand(a) },
  compare: { summary: 'run scenarios on common random numbers and compare their summaries', run: async (a) => (await import('./compare.ts')).compareCommand(a) },
  sweep: { summary: 'run an experiment: parameter sweep × replications on worker threads, resumable, shardable', run: async (a) => (await import('./sweep.ts')).sweepCommand(a) },
  merge: { summary: 'combine the shard folders of a sweep into the files a one-machine sweep writes', run: async (a) => (await import('./merge.ts')).mergeCommand(a) },
  aggregate: { summary: 'recompute per-point means, sd and 95% intervals (and Morris indices) of a sweep', run: async (a) => (await import('./aggregate.ts')).aggregateCommand(a) },
};

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    `urd ${URD_VERSION} — agent-based simulator of urban-rural digital diffusion and reverse differential-order governance`,
    '',
    'Usage: urd <command> [options]    (urd <command> --help for each)',
    '',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Exit codes: 0 ok, 1 failure while running or writing, 2 bad input, 130 interrupted.',
  ].join('\n');
}

/** Entry point: dispatches to a command and maps errors to exit codes (2 bad input, 1 anything else). */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(help() + '\n');
    return 0;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${URD_VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS[command];
  if (!entry) {
    process.stderr.write(`urd: unknown command "${command}"; expected one of ${Object.keys(COMMANDS).join(', ')} (see urd --help)\n`);
    return 2;
  }
  try {
    return await entry.run(rest);
  } catch (err) {
    if (err instanceof InputError) {
      process.stderr.write(`urd: ${err.message}\n`);
      return 2;
    }
    if (err instanceof OutputError) {
      process.stderr.write(`urd: ${err.message}\n`);
      return 1;
    }
    if (process.env.URD_DEBUG) throw err;
    process.stderr.write(`urd: internal error: ${(err as Error).message} (set URD_DEBUG=1 for the stack)\n`);
    return 1;
  }
}
