import { OutputError } from '../io/atomic.ts';
import { URD_VERSION } from '../io/runFolder.ts';
import { safeLine, safeText } from '../io/text.ts';
import { InputError } from '../scenario/inputError.ts';
import { didYouMean } from '../scenario/suggest.ts';

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
  params: { summary: 'list the model parameters with unit, range, default and meaning (urd params SECTION for one part)', run: async (a) => (await import('./params.ts')).paramsCommand(a) },
  calibrate: { summary: 'fit parameters to observed series (ABC-SMC posterior or Nelder-Mead), with held-out validation', run: async (a) => (await import('./calibrate.ts')).calibrateCommand(a) },
  export: { summary: 'gather every run under a folder into one tidy table (Parquet or CSV) for pandas, polars, R and DuckDB', run: async (a) => (await import('./export.ts')).exportCommand(a) },
  play: { summary: 'the classroom page: the model live in the browser (zh/en), served locally or exported', run: async (a) => (await import('./play.ts')).playCommand(a) },
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

/**
 * Standard output that fails is not a crash: a reader that closed the pipe (urd list | head -1)
 * is ignored quietly and the command still finishes its files; any other failure (a full disk
 * behind a redirect) is said once, in one line, and makes the exit code 1. Returns a function
 * that tells whether stdout failed that way.
 */
function guardStdout(): () => boolean {
  let failed = false;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || failed) return;
    failed = true;
    process.stderr.write(`urd: cannot write to standard output: ${err.code === 'ENOSPC' ? 'the disk is full' : safeText(err.message)}\n`);
  });
  return () => failed;
}

/** Entry point: dispatches to a command and maps errors to exit codes (2 bad input, 1 anything else). */
export async function main(argv: string[]): Promise<number> {
  const stdoutFailed = guardStdout();
  const code = await dispatch(argv);
  // Let a pending stdout error arrive before the exit code is decided.
  await new Promise((resolve) => setImmediate(resolve));
  return stdoutFailed() && code === 0 ? 1 : code;
}

async function dispatch(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    // No command is a usage error: the help goes to stderr and the exit code says so to scripts.
    process.stderr.write(help() + '\n');
    return 2;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(help() + '\n');
    return 0;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${URD_VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS[command];
  if (!entry) {
    process.stderr.write(`urd: unknown command "${safeText(command)}"${didYouMean(command, Object.keys(COMMANDS))}; expected one of ${Object.keys(COMMANDS).join(', ')} (see urd --help)\n`);
    return 2;
  }
  try {
    return await entry.run(rest);
  } catch (err) {
    if (err instanceof InputError) {
      // Several errors (InputErrors) come one per line, each with its own prefix.
      process.stderr.write(err.message.split('\n').map((l) => `urd: ${l}\n`).join(''));
      return 2;
    }
    if (err instanceof OutputError) {
      process.stderr.write(`urd: ${safeLine(err.message)}\n`);
      return 1;
    }
    if (process.env.URD_DEBUG) throw err;
    process.stderr.write(`urd: internal error: ${safeText((err as Error)?.message ?? String(err), 600)} (set URD_DEBUG=1 for the stack)\n`);
    return 1;
  }
}
