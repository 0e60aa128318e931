import { existsSync } from 'node:fs';
import { OutputError } from '../io/atomic.ts';
import { ReadRefused, readRegularFile } from '../io/readFile.ts';
import { replayEdits, type QueuedEdit } from '../policy/patches.ts';
import { commitStaged, discardUnstarted, isStaging, prepareOutput, settleSwap, stagedTarget, STAGING_SUFFIX } from '../io/outputFolder.ts';
import { defaultRunDir, RunFolderBusy } from '../io/runFolder.ts';
import type { RunSummary } from '../metrics/summary.ts';
import { SUMMARY_METRICS } from '../metrics/summary.ts';
import { inspectRunFolder, resumeRun, runScenarioResumable, type ResumableOptions, type ResumableResult } from '../run/runScenario.ts';
import { replayProblem } from '../run/replay.ts';
import { InputError, loadScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import { finishComplete, folderReport, intOption, parseCommand, reportWanted, warnNoEffect } from './args.ts';
import { LANG_HELP, resolveLang } from '../i18n/lang.ts';
import { Progress } from './progress.ts';
import { stopOnSignals } from './signals.ts';

export const RUN_HELP = `urd run SCENARIO [options]
urd run --resume DIR [--checkpoint-every K] [--quiet]

Runs a scenario and writes a run folder (default outputs/<name>/seed-<seed>-<hash>/):
manifest.json, metrics.csv, events.ndjson, summary.json. Until the run completes, manifest.json
says "complete": false and metrics.csv / events.ndjson grow under .partial names.

Options:
  --seed N              run seed (overrides the scenario's)
  --ticks T             number of ticks (overrides the scenario's)
  --set path=value      override any field, e.g. --set capital.alpha=0.4 (repeatable)
  --out DIR             write the run folder here: a new or empty folder, or an unfinished run
                        folder without a checkpoint; anything else is refused
  --force               replace the complete run in DIR: the new run is written beside it
                        (DIR.urd-new) and swapped in only once complete, so a run that is
                        stopped or fails leaves the old result as it was
  --checkpoint-every K  save the full state to DIR/checkpoint.bin every K ticks (atomically;
                        only the latest is kept, and it is removed when the run completes)
  --resume DIR          continue the unfinished run in DIR from its last checkpoint (from tick 0
                        when it has none); the finished folder is byte-identical to an
                        uninterrupted run's. Scenario, seed and ticks come from DIR/manifest.json
  --no-report           do not write report.html and charts/ (also: URD_NO_REPORT=1)
${LANG_HELP}
  --replay EVENTS       apply the programme patches recorded in an events.ndjson at their ticks,
                        so a run that was edited while it ran is reproduced exactly
  --quiet               no progress bar and no summary table (warnings about interventions
                        that can have no effect are still printed, to stderr)
  -h, --help            this help

Ctrl-C (SIGINT) or SIGTERM stops at the end of the current tick: the state is checkpointed, the
folder is left incomplete and resumable, and the exit code is 130 (while the report is written
at the end, the run is complete: urd report DIR writes the report again). If the disk fills up, the
folder is kept the same way (exit code 1): free space, then --resume.`;

/** Formats a run summary as a few plain lines for the terminal. */
export function formatSummary(summary: RunSummary): string {
  const lines = [
    `verdict: ${summary.verdict}, ${summary.recent} — ${summary.sentence}`,
    ...summary.qualifierSentences.map((q) => `  ${q}`),
    ...(summary.waste.warning ? [`  Warning: ${(100 * summary.waste.share).toFixed(0)}% of spending bought nothing (saturated instruments).`] : []),
    ...(summary.budget.capped ? [`  Warning: the budget cap withheld ${summary.budget.cut.toFixed(0)} of ${summary.budget.requested.toFixed(0)} requested, on ${summary.budget.cappedTicks} ticks.`] : []),
    `DPD ${summary.dpd.initial.toFixed(4)} → ${summary.dpd.final.toFixed(4)} (peak ${summary.dpd.peak.toFixed(4)} at tick ${summary.dpd.peakTick}; ${
      summary.dpd.halvingTick === null ? 'never halved' : `halved by tick ${summary.dpd.halvingTick}`
    })`,
    `beta convergence across places: ${summary.beta.beta.toFixed(4)} (SE ${summary.beta.se.toFixed(4)})${
      summary.beta.halfLife === null ? ', no convergence' : `, half-life ${summary.beta.halfLife.toFixed(1)} ticks`
    }`,
    `rural population share: ${(100 * summary.population.ruralShareInitial).toFixed(1)}% at the start, ${(100 * summary.ruralShare).toFixed(1)}% at the end`,
  ];
  for (const m of SUMMARY_METRICS) if (m in summary.final) lines.push(`  ${m.padEnd(22)} ${summary.final[m].toPrecision(5)}`);
  return lines.join('\n');
}

function isResumable(dir: string): boolean {
  try {
    return !inspectRunFolder(dir).complete;
  } catch {
    return false;
  }
}

/** Largest events file --replay reads. */
const MAX_REPLAY_BYTES = 256 << 20;

/** The programme patches recorded in an events.ndjson file, as edits to replay. */
function readReplay(path: string, scenario: Scenario): QueuedEdit[] {
  let text: string;
  try {
    text = readRegularFile(path, MAX_REPLAY_BYTES).toString('utf8');
  } catch (err) {
    if (err instanceof ReadRefused) throw new InputError(path, null, null, `${err.reason}; expected the events.ndjson of a run`);
    throw err;
  }
  let edits: QueuedEdit[];
  try {
    edits = replayEdits(text);
  } catch (err) {
    throw new InputError(path, null, null, `expected one JSON event per line: ${(err as Error).message}`);
  }
  const problem = replayProblem(edits, scenario);
  if (problem) throw new InputError(path, null, null, problem);
  return edits;
}

/** `urd run`: returns the exit code (0 done, 130 stopped by a signal; errors are thrown). */
export async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand('run', args, {
    seed: { type: 'string' },
    ticks: { type: 'string' },
    set: { type: 'string', multiple: true },
    out: { type: 'string' },
    'checkpoint-every': { type: 'string' },
    replay: { type: 'string' },
    resume: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    'no-report': { type: 'boolean', default: false },
    lang: { type: 'string' },
    force: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(RUN_HELP + '\n');
    return 0;
  }
  const lang = resolveLang('run', values.lang);
  const every = intOption('run', 'checkpoint-every', values['checkpoint-every']);
  let dir: string;
  let name: string;
  let start: (options: ResumableOptions) => Promise<ResumableResult>;
  /** Whether this command makes the folder (removed again if the run fails before writing anything). */
  let created = false;
  if (values.resume !== undefined) {
    if (positionals.length > 0) throw new InputError('urd run', '--resume', null, 'takes the run folder only, not a scenario file (the scenario is in DIR/manifest.json)');
    for (const opt of ['seed', 'ticks', 'set', 'out', 'replay', 'force'] as const) {
      if (values[opt] !== undefined && values[opt] !== false) throw new InputError('urd run', '--resume', null, `cannot be combined with --${opt}: a resumed run continues exactly as it was started`);
    }
    dir = values.resume.replace(/(.)\/+$/, '$1');
    // A replacement whose swap was interrupted is finished first; resuming its staging folder then means the result in place.
    const replaces = dir.endsWith(STAGING_SUFFIX) ? stagedTarget(dir) : dir;
    if (settleSwap(replaces) && replaces !== dir && !existsSync(dir)) {
      process.stdout.write(`${replaces}\n`);
      return 0;
    }
    const folder = inspectRunFolder(dir);
    if (folder.complete) {
      // A complete replacement whose swap was interrupted: finish the swap.
      if (isStaging(dir)) dir = commitStaged(dir);
      else process.stderr.write(`urd: ${dir} is already complete; nothing to resume\n`);
      process.stdout.write(`${dir}\n`);
      return 0;
    }
    name = folder.scenario.name;
    start = (options) => resumeRun(dir, options);
  } else {
    if (positionals.length !== 1) throw new InputError('urd run', null, null, 'expected exactly one scenario file (see urd run --help)');
    const scenario = loadScenario(positionals[0], {
      set: values.set,
      seed: intOption('run', 'seed', values.seed),
      ticks: intOption('run', 'ticks', values.ticks),
    });
    warnNoEffect(positionals[0], scenario);
    const edits = values.replay !== undefined ? readReplay(values.replay, scenario) : undefined;
    const target = prepareOutput(values.out ?? defaultRunDir(scenario), 'run', values.force);
    dir = target.writeTo;
    created = target.staged || !existsSync(dir);
    name = scenario.name;
    start = (options) => runScenarioResumable(scenario, dir, { ...options, edits });
  }
  const progress = new Progress(`run ${name}`, values.quiet);
  // One set of handlers from the first tick to the command's return: no moment of it is left to the default action (exit 143, no word).
  const signals = stopOnSignals();
  try {
    let result: ResumableResult;
    try {
      result = await start({
        checkpointEvery: every ?? 0,
        shouldStop: () => signals.stopped() !== null,
        onTick: (t, n) => progress.update(t, n, ' ticks'),
      });
    } catch (err) {
      progress.done();
      if (created) discardUnstarted(dir);
      if (err instanceof OutputError && !(err instanceof RunFolderBusy) && isResumable(dir)) {
        const fix = /disk is full|quota/.test(err.message) ? 'make room' : 'fix that';
        throw new OutputError(`${err.message}; ${dir} is kept, marked incomplete: ${fix}, then continue it with urd run --resume ${dir}`);
      }
      throw err;
    }
    progress.done();
    if (result.status === 'stopped') {
      const replaces = isStaging(dir) ? ` (it replaces ${stagedTarget(dir)} once complete)` : '';
      process.stderr.write(`urd: stopped after tick ${result.tick}; ${dir} is incomplete and checkpointed: continue it with urd run --resume ${dir}${replaces}\n`);
      return 130;
    }
    // The run is complete: a signal from here on stops nothing but the report (finishComplete says so).
    signals.quiet();
    // A run that replaces a complete one was written beside it: swap it in now that it is complete.
    if (isStaging(dir)) dir = commitStaged(dir);
    if (!values.quiet) process.stdout.write(`${formatSummary(result.summary)}\n`);
    return await finishComplete(dir, signals, reportWanted(values['no-report']) ? folderReport(dir, lang) : null);
  } finally {
    signals.remove();
  }
}
