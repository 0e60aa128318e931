import { defaultRunDir } from '../io/runFolder.ts';
import type { RunSummary } from '../metrics/summary.ts';
import { SUMMARY_METRICS } from '../metrics/summary.ts';
import { runScenario } from '../run/runScenario.ts';
import { InputError, loadScenario } from '../scenario/load.ts';
import { intOption, parseCommand } from './args.ts';
import { Progress } from './progress.ts';

export const RUN_HELP = `urd run SCENARIO [options]

Runs a scenario and writes a run folder (default outputs/<name>/seed-<seed>-<hash>/):
manifest.json, metrics.csv, events.ndjson, summary.json.

Options:
  --seed N            run seed (overrides the scenario's)
  --ticks T           number of ticks (overrides the scenario's)
  --set path=value    override any field, e.g. --set capital.alpha=0.4 (repeatable)
  --out DIR           write the run folder here
  --quiet             no progress bar and no summary table
  -h, --help          this help`;

/** Formats a run summary as a few plain lines for the terminal. */
export function formatSummary(summary: RunSummary): string {
  const lines = [
    `verdict: ${summary.verdict} — ${summary.trend.rule}`,
    `DPD ${summary.dpd.initial.toFixed(4)} → ${summary.dpd.final.toFixed(4)} (peak ${summary.dpd.peak.toFixed(4)} at tick ${summary.dpd.peakTick}; ${
      summary.dpd.halvingTick === null ? 'never halved' : `halved by tick ${summary.dpd.halvingTick}`
    })`,
    `beta convergence across places: ${summary.beta.beta.toFixed(4)} (SE ${summary.beta.se.toFixed(4)})${
      summary.beta.halfLife === null ? ', no convergence' : `, half-life ${summary.beta.halfLife.toFixed(1)} ticks`
    }`,
    `rural population share at the end: ${(100 * summary.ruralShare).toFixed(1)}%`,
  ];
  for (const m of SUMMARY_METRICS) if (m in summary.final) lines.push(`  ${m.padEnd(22)} ${summary.final[m].toPrecision(5)}`);
  return lines.join('\n');
}

/** `urd run`: returns the exit code. */
export function runCommand(args: string[]): number {
  const { values, positionals } = parseCommand('run', args, {
    seed: { type: 'string' },
    ticks: { type: 'string' },
    set: { type: 'string', multiple: true },
    out: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(RUN_HELP + '\n');
    return 0;
  }
  if (positionals.length !== 1) throw new InputError('urd run', null, null, 'expected exactly one scenario file (see urd run --help)');
  const scenario = loadScenario(positionals[0], {
    set: values.set,
    seed: intOption('run', 'seed', values.seed),
    ticks: intOption('run', 'ticks', values.ticks),
  });
  const dir = values.out ?? defaultRunDir(scenario);
  const progress = new Progress(`run ${scenario.name}`, values.quiet);
  const { summary } = runScenario(scenario, { dir, onTick: (t, n) => progress.update(t, n, ' ticks') });
  progress.done();
  if (!values.quiet) process.stdout.write(`${formatSummary(summary)}\n`);
  process.stdout.write(`${dir}\n`);
  return 0;
}
