import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { commonSeeds, compareInto, formatComparison, referenceIndex } from '../experiments/compare.ts';
import { readComparison } from '../experiments/reading.ts';
import { LANG_HELP, resolveLang } from '../i18n/lang.ts';
import { didYouMean } from '../scenario/suggest.ts';
import { writeComparisonReport } from '../report/compareReport.ts';
import { InputError, lineOf, loadScenario } from '../scenario/load.ts';
import { loadComparisonFile, type ComparisonFile } from '../experiments/comparisonFile.ts';
import { prepareOutput } from '../io/outputFolder.ts';
import { runStaged } from './staged.ts';
import { intOption, parseCommand, reportWanted, warnNoEffect } from './args.ts';
import { Progress } from './progress.ts';

export const COMPARE_HELP = `urd compare A.yaml B.yaml ... [options]
urd compare COMPARISON.yaml [options]

Runs the scenarios on common random numbers (the same seeds for each) and prints a table of
summary metrics: the reference scenario's mean (± sd across seeds), and every other scenario's
paired difference to it; the gap stands beside efficiency (mean income, output) and inequality
(Gini, Theil). Then a plain-language reading: each verdict with its qualifiers, which scenario
leaves the smallest gap, whether the options trade the gap off against efficiency or equality,
and warnings about wasted spending and capped budgets. Writes compare.csv (every pairwise
difference with its 95% interval), compare-runs.csv, compare.json, reading.txt and each run
folder. Prints a warning (stderr, even with --quiet; exit code unchanged) for each intervention
of a scenario that can have no effect.

A comparison file lists the scenarios (paths relative to the file) and what the comparison asks;
options given on the command line override its fields:
  scenarios: [../scenarios/allocation-core-first.yaml, ../scenarios/allocation-periphery-first.yaml]
  title: ...        title_zh: ...      (--title replaces both)
  question: ...     question_zh: ...   (--question replaces both)
  reference: NAME   (--ref)            seeds: K   (--seeds)
compare.json carries the title and question, for the report.

Options:
  --seeds K        number of seeds (default 3): seed, seed+1, ..., seed+K-1
  --seed N         first seed (default 1)
  --ticks T        override every scenario's ticks
  --set path=value override a field in every scenario (repeatable)
  --ref NAME       the reference scenario every other is compared with (default the first)
  --title TEXT     title of the comparison (default: the scenarios' titles)
  --question TEXT  the question the comparison asks (default: none; scenarios' own questions are not the comparison's)
  --out DIR        output folder (default outputs/compare/<names>-<hash>): a new or empty
                   folder; a complete comparison there is replaced only with --force
  --force          replace a complete comparison in DIR: the new one is written
                   beside it and swapped in only once complete
${LANG_HELP}
  --no-report      do not write report.html (also: URD_NO_REPORT=1)
  --quiet          no progress bar
  -h, --help       this help`;

/** Most seeds a comparison runs (each scenario runs once per seed). */
const MAX_SEEDS = 10_000;
/** Largest seed a scenario accepts. */
const MAX_SEED = 2 ** 32 - 1;

/** `urd compare`: returns the exit code. */
export async function compareCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand('compare', args, {
    seeds: { type: 'string' },
    seed: { type: 'string' },
    ticks: { type: 'string' },
    set: { type: 'string', multiple: true },
    out: { type: 'string' },
    ref: { type: 'string' },
    title: { type: 'string' },
    question: { type: 'string' },
    lang: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    'no-report': { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(COMPARE_HELP + '\n');
    return 0;
  }
  if (positionals.length < 1) throw new InputError('urd compare', null, null, 'expected a comparison file or at least two scenario files (see urd compare --help)');
  // One file is a comparison file: a comparison of one scenario would compare nothing.
  const plan: ComparisonFile | null = positionals.length === 1 ? loadComparisonFile(positionals[0]) : null;
  const files = plan?.scenarios ?? positionals;
  // A value that came from the comparison file is blamed on its field and line, one from the command line on the option.
  const blame = (fromOption: boolean, option: string, field: string, expected: string) =>
    fromOption || !plan ? new InputError('urd compare', option, null, expected) : new InputError(plan.source.path, field, lineOf(plan.source, [field]), expected);
  const count = intOption('compare', 'seeds', values.seeds) ?? plan?.seeds ?? 3;
  if (count < 1 || count > MAX_SEEDS) {
    throw blame(values.seeds !== undefined, '--seeds', 'seeds', `expected 1 to ${MAX_SEEDS}, got ${count}`);
  }
  const first = intOption('compare', 'seed', values.seed) ?? 1;
  // Every seed a comparison uses must be one urd run accepts, so each run folder can be rerun alone.
  if (first + count - 1 > MAX_SEED) throw new InputError('urd compare', '--seed', null, `expected the last seed (${first} + ${count} - 1) to be at most ${MAX_SEED}, got ${first + count - 1}`);
  const ticks = intOption('compare', 'ticks', values.ticks);
  const scenarios = files.map((file) => loadScenario(file, { set: values.set, ticks }));
  scenarios.forEach((s, i) => warnNoEffect(files[i], s));
  const names = scenarios.map((s) => s.name);
  if (new Set(names).size !== names.length) throw new InputError('urd compare', 'name', null, `expected distinct scenario names, got ${names.join(', ')}`);
  const lang = resolveLang('compare', values.lang);
  const reference = values.ref ?? plan?.reference;
  if (reference !== undefined && referenceIndex(scenarios, reference) < 0) {
    throw blame(values.ref !== undefined, '--ref', 'reference', `expected one of the scenario names ${names.join(', ')}, got "${reference}"${didYouMean(reference, names)}`);
  }
  const seeds = commonSeeds(first, count);
  const hash = createHash('sha256').update(JSON.stringify([names, seeds, values.set ?? [], ticks ?? null])).digest('hex').slice(0, 8);
  const dir = values.out ?? join('outputs', 'compare', `${names.join('+').slice(0, 80)}-${hash}`);
  const target = prepareOutput(dir, 'comparison', values.force);
  const progress = new Progress('compare', values.quiet);
  // A title or question given on the command line replaces the file's in both languages, so the report never pairs an English text with a Chinese one that says something else.
  const text = {
    ...plan?.text,
    ...(values.title !== undefined ? { title: values.title, title_zh: undefined } : {}),
    ...(values.question !== undefined ? { question: values.question, question_zh: undefined } : {}),
  };
  return runStaged(
    target,
    (stop) => compareInto(scenarios, seeds, dir, (d, n) => progress.update(d, n, ' runs'), { reference, text, writeTo: target.writeTo, shouldStop: stop }).finally(() => progress.done()),
    reportWanted(values['no-report']) ? async () => [writeComparisonReport(dir, { lang }).path] : null,
    ({ results, cells, ref }, reports) => `${formatComparison(results, cells, undefined, ref)}\n\n${readComparison(results, cells, ref, lang)}\n${reports.map((p) => `${p}\n`).join('')}${dir}\n`,
  );
}
