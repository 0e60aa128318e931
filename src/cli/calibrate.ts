import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadCalibration } from '../calibrate/load.ts';
import { writeOutputs } from '../calibrate/outputs.ts';
import { readingText } from '../calibrate/reading.ts';
import { LANG_HELP, resolveLang } from '../i18n/lang.ts';
import { runCalibration } from '../calibrate/run.ts';
import { CALIBRATION_FILES, readPlanFile } from '../calibrate/store.ts';
import { parseShard, type Shard } from '../experiments/shard.ts';
import { InputError } from '../scenario/load.ts';
import { finishComplete, folderReport, intOption, parseCommand, reportWanted } from './args.ts';
import { abortOnSignals } from './signals.ts';
import { defaultWorkers, progressReporter } from './sweep.ts';

/** `urd calibrate --help`. */
export const CALIBRATE_HELP = `urd calibrate CALIBRATION [options]
urd calibrate --resume DIR [options]

Fits the model to an observed series (see docs/experiments.md, "Calibrating to observed
series"). With method abc-smc (the default) it returns a weighted posterior sample; with
optimize, one best point (Nelder-Mead). DIR then holds calibration.json (best parameters,
posterior median and 90% interval, fit and held-out RMSE per series, the reading), posterior.csv,
fit.csv (observed against simulated, per tick), calibrated.yaml (runs with urd run) and
report.html. The files are the same whatever the number of workers, interruptions or shards.

Options:
  --workers N       runs at once (default: SLURM_CPUS_PER_TASK, else the number of CPUs)
  --out DIR         calibration folder (default outputs/calibrations/<name>); a folder that
                    already holds the same calibration is continued, not restarted
  --resume DIR      continue an interrupted calibration (from the folder it was started in)
  --set path=value  override a field of the base scenario at every evaluation (repeatable),
                    after the calibration file's set:
  --shard I/N       evaluate only candidates with index mod N = I (abc-smc only); shards share
                    DIR and wait for each other at every population; shard 0 writes the results
  --shard auto/N    the same with I from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX
${LANG_HELP}
  --no-report       do not write report.html and charts/ (also: URD_NO_REPORT=1)
  --quiet           no progress output
  -h, --help        this help

Ctrl-C stops (exit 130); finished evaluations are kept and urd calibrate --resume DIR goes on.`;

/** `urd calibrate`: returns the exit code (0 done, 130 interrupted). */
export async function calibrateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand('calibrate', args, {
    workers: { type: 'string' },
    out: { type: 'string' },
    resume: { type: 'string' },
    shard: { type: 'string' },
    set: { type: 'string', multiple: true },
    lang: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    'no-report': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(CALIBRATE_HELP + '\n');
    return 0;
  }
  const lang = resolveLang('calibrate', values.lang);
  const workers = intOption('calibrate', 'workers', values.workers) ?? defaultWorkers();
  if (workers < 1) throw new InputError('urd calibrate', '--workers', null, 'expected at least 1');
  let file: string;
  let set = values.set ?? [];
  let dir: string | undefined;
  if (values.resume !== undefined) {
    if (positionals.length > 0 || values.out !== undefined || values.set !== undefined) {
      throw new InputError('urd calibrate', '--resume', null, 'expected only the calibration folder (the calibration file and its --set arguments are read from its plan.json)');
    }
    dir = values.resume;
    ({ file, set } = readPlanFile(dir));
    if (!existsSync(file)) throw new InputError(join(dir, CALIBRATION_FILES.plan), 'file', null, `${file} not found from ${process.cwd()}; run from the folder the calibration was started in`);
  } else {
    if (positionals.length !== 1) throw new InputError('urd calibrate', null, null, 'expected exactly one calibration file, or --resume DIR (see urd calibrate --help)');
    file = positionals[0];
  }
  const plan = loadCalibration(file, set);
  const shard: Shard | null = values.shard !== undefined ? parseShard(values.shard) : null;
  if (shard && plan.method.type !== 'abc-smc') throw new InputError('urd calibrate', '--shard', null, 'optimize runs one evaluation after another; only abc-smc populations can be sharded');
  dir ??= values.out ?? join('outputs', 'calibrations', plan.name);
  const label = `calibrate ${plan.name}${shard ? ` shard ${shard.index}/${shard.count}` : ''}`;
  const progress = progressReporter(label, values.quiet);
  const signals = abortOnSignals(label, 'finished evaluations are kept');
  const started = performance.now();
  try {
    const outcome = await runCalibration(plan, { dir, workers, shard, signal: signals.signal, onProgress: progress.update });
    progress.done();
    if (!outcome) {
      process.stderr.write(`${label}: interrupted; resume with: urd calibrate --resume ${dir}${shard ? ` --shard ${values.shard}` : ''}\n`);
      return 130;
    }
    signals.quiet();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (shard && shard.index !== 0) {
      process.stderr.write(`${label}: done in ${seconds}s; shard 0 writes the results\n`);
      return 0;
    }
    const result = writeOutputs(plan, outcome, dir);
    process.stderr.write(`${label}: ${result.runsUsed} runs, best distance ${result.best.distance.toPrecision(4)}, in ${seconds}s with ${workers} worker${workers > 1 ? 's' : ''}\n`);
    for (const line of readingText(result.readingFacts, lang)) process.stderr.write(`  ${line}\n`);
    return await finishComplete(dir, signals, reportWanted(values['no-report']) ? folderReport(dir, lang) : null);
  } finally {
    signals.remove();
  }
}
