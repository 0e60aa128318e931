import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { loadExperiment, pointScenario } from '../experiments/load.ts';
import { parseShard, type Shard } from '../experiments/shard.ts';
import { readPlan, runCount, SWEEP_FILES } from '../experiments/store.ts';
import { openSweepDir, runSweep } from '../experiments/sweep.ts';
import { OutputError } from '../io/atomic.ts';
import { lockRunFolder, RunFolderBusy } from '../io/runFolder.ts';
import { safeText } from '../io/text.ts';
import { InputError } from '../scenario/load.ts';
import { finishComplete, folderReport, intOption, parseCommand, reportWanted, warnNoEffect } from './args.ts';
import { LANG_HELP, resolveLang } from '../i18n/lang.ts';
import { abortOnSignals } from './signals.ts';
import { Progress } from './progress.ts';

export const SWEEP_HELP = `urd sweep EXPERIMENT [options]
urd sweep --resume DIR [options]

Runs every point × replication of an experiment file on worker threads. Each finished run is
recorded at once in DIR/runs/; when all are done, DIR holds runs.csv (one row a run, with its
seed, parameters, kept metrics and the urd run command that reruns it alone), aggregate.csv
(mean, sd and t-based 95% interval per point and metric) and, for a Morris design, morris.csv.
The files are the same whatever the number of workers, interruptions or shards.

Options:
  --workers N       runs at once (default: SLURM_CPUS_PER_TASK, else the number of CPUs)
  --out DIR         sweep folder (default outputs/sweeps/<experiment name>); a folder that
                    already holds the same experiment is continued, not restarted
  --resume DIR      continue an interrupted sweep: runs only what is missing (run it from the
                    folder the sweep was started in: the experiment path in sweep.json is
                    relative to it)
  --shard I/N       run only shard I of N (I counts from 0: runs with index mod N = I);
  --shard auto/N    the same with I from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX
                    (combine shard folders with urd merge; see docs/cluster.md)
  --no-report       do not write report.html and charts/ (also: URD_NO_REPORT=1)
${LANG_HELP}
  --quiet           no progress output (warnings about interventions of the base scenario,
                    as the first point runs it, that can have no effect still go to stderr)
  -h, --help        this help

Ctrl-C stops the sweep (exit 130); urd sweep --resume DIR picks it up.`;

/** Default worker count: what the cluster allotted this task, else every CPU. */
export function defaultWorkers(): number {
  const slurm = Number(process.env.SLURM_CPUS_PER_TASK);
  return Number.isInteger(slurm) && slurm > 0 ? slurm : availableParallelism();
}

/** Progress on a terminal as a bar; elsewhere (logs, cluster jobs) a plain line every 10% or 10 s. */
export function progressReporter(label: string, quiet: boolean, unit = 'runs done'): { update: (done: number, total: number) => void; done: () => void } {
  // Runs done before a resume say nothing about speed, so rates and ETAs count new runs only.
  let before = -1;
  const bar = new Progress(label, quiet);
  if (quiet || process.stderr.isTTY) {
    return {
      update: (d, t) => {
        if (before < 0) before = d;
        bar.update(d - before, t - before, before > 0 ? ` ${unit.split(' ')[0]} (+${before} done before)` : ` ${unit.split(' ')[0]}`);
      },
      done: () => bar.done(),
    };
  }
  const started = performance.now();
  let lastTime = started;
  let lastDecile = -1;
  return {
    update: (d, t) => {
      if (before < 0) before = d;
      const now = performance.now();
      const decile = t > 0 ? Math.floor((10 * d) / t) : 10;
      if (decile === lastDecile && now - lastTime < 10_000 && d < t) return;
      lastDecile = decile;
      lastTime = now;
      const elapsed = (now - started) / 1000;
      const eta = d > before && d < t ? ` ETA ${Math.round((elapsed / (d - before)) * (t - d))}s` : '';
      process.stderr.write(`${label}: ${d}/${t} ${unit} (${elapsed.toFixed(1)}s)${eta}\n`);
    },
    done: () => undefined,
  };
}

/** `urd sweep`: returns the exit code (0 done, 130 interrupted). */
export async function sweepCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand('sweep', args, {
    workers: { type: 'string' },
    out: { type: 'string' },
    resume: { type: 'string' },
    shard: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    'no-report': { type: 'boolean', default: false },
    lang: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(SWEEP_HELP + '\n');
    return 0;
  }
  const lang = resolveLang('sweep', values.lang);
  const workers = intOption('sweep', 'workers', values.workers) ?? defaultWorkers();
  if (workers < 1) throw new InputError('urd sweep', '--workers', null, 'expected at least 1');
  const shard: Shard | null = values.shard !== undefined ? parseShard(values.shard) : null;
  let dir: string;
  let experiment: string;
  if (values.resume !== undefined) {
    if (positionals.length > 0 || values.out !== undefined) {
      throw new InputError('urd sweep', '--resume', null, 'expected only the sweep folder (the experiment is read from its sweep.json)');
    }
    dir = values.resume;
    experiment = readPlan(dir).file;
    if (!existsSync(experiment)) {
      throw new InputError(join(dir, SWEEP_FILES.plan), 'experiment', null, `${experiment} not found from ${process.cwd()}; run from the folder the sweep was started in`);
    }
  } else {
    if (positionals.length !== 1) throw new InputError('urd sweep', null, null, 'expected exactly one experiment file, or --resume DIR (see urd sweep --help)');
    experiment = positionals[0];
    dir = '';
  }
  const checking = progressReporter(`check ${safeText(experiment, 60)}`, values.quiet, 'points checked');
  // Only experiments with many points take long enough to check that progress helps.
  const plan = loadExperiment(experiment, (d, t) => t >= 1000 && checking.update(d, t));
  checking.done();
  // Once, for the base as the first point runs it (a scenario the experiment's check has accepted),
  // not per point: a 100,000-point sweep would repeat each warning.
  warnNoEffect(plan.base, pointScenario(plan, 0, plan.seeds[0]));
  if (values.resume === undefined) dir = values.out ?? join('outputs', 'sweeps', plan.name);
  const tasks = shard ? Math.ceil((runCount(plan) - shard.index) / shard.count) : runCount(plan);
  // More threads than runs only cost memory; more than the CPUs make every run slower.
  const threads = Math.max(1, Math.min(workers, tasks));
  if (threads > availableParallelism() && !values.quiet) {
    process.stderr.write(`urd sweep: ${threads} workers on ${availableParallelism()} CPUs: runs will share them and each run is slower (memory grows with the workers); --workers ${availableParallelism()} is usually faster\n`);
  }
  const label = `sweep ${plan.name}${shard ? ` shard ${shard.index}/${shard.count}` : ''}`;
  const progress = progressReporter(label, values.quiet);
  const signals = abortOnSignals(label, 'finished runs are kept');
  const started = performance.now();
  let unlock = () => undefined as void;
  try {
    // Two whole sweeps writing one folder would fight over runs.csv; shards share folders by design.
    openSweepDir(dir, plan);
    if (!shard) unlock = lockSweep(dir);
    const result = await runSweep(plan, { dir, workers: threads, shard, signal: signals.signal, onProgress: progress.update }).catch((err: unknown) => {
      throw diskFull(err, dir, shard ? ` --shard ${values.shard}` : '');
    });
    progress.done();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (result.interrupted) {
      process.stderr.write(`${label}: interrupted after ${result.ran} new runs; resume with: urd sweep --resume ${dir}${shard ? ` --shard ${values.shard}` : ''}\n`);
      return 130;
    }
    const what = result.finalized ? `${SWEEP_FILES.runs}, ${SWEEP_FILES.aggregate}${plan.morris ? `, ${SWEEP_FILES.morris}` : ''}` : `records only (combine shards with urd merge)`;
    process.stderr.write(
      `${label}: ${result.total} runs${shard ? ` of ${runCount(plan)}` : ''} (${result.ran} run now, ${result.skipped} already done) in ${seconds}s with ${threads} worker${threads > 1 ? 's' : ''}; ${what}\n`,
    );
    return await finishComplete(dir, signals, result.finalized && reportWanted(values['no-report']) ? folderReport(dir, lang) : null);
  } finally {
    unlock();
    signals.remove();
  }
}

/** Takes the sweep folder's lock, so a second sweep into it is refused with who holds it. */
function lockSweep(dir: string): () => void {
  try {
    return lockRunFolder(dir);
  } catch (err) {
    if (err instanceof RunFolderBusy) throw new RunFolderBusy(`${err.message.replace(/^cannot write /, 'cannot run a sweep in ')}; a sweep already running there keeps every finished run`);
    throw err;
  }
}

/** A run that failed because the disk is full is not an internal error: say so, and how to continue. */
function diskFull(err: unknown, dir: string, shardArg: string): unknown {
  const message = (err as Error)?.message ?? '';
  if (!/the disk is full|disk quota|ENOSPC|EDQUOT/.test(message)) return err;
  const what = /quota|EDQUOT/.test(message) ? 'the disk quota is used up' : 'the disk is full';
  return new OutputError(`cannot write ${dir}: ${what}; every finished run is kept: make room, then continue it with urd sweep --resume ${dir}${shardArg}`);
}
