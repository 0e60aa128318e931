import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commonSeeds, compareInto, formatComparison } from '../experiments/compare.ts';
import { readComparison } from '../experiments/reading.ts';
import { writeComparisonReport } from '../report/compareReport.ts';
import { writeRunReport } from '../report/runReport.ts';
import { InputError, loadScenario } from '../scenario/load.ts';
import { prepareOutput } from '../io/outputFolder.ts';
import { runStaged } from './staged.ts';
import { intOption, parseCommand, reportWanted } from './args.ts';
import { Progress } from './progress.ts';
import { LANG_HELP, resolveLang } from '../i18n/lang.ts';

const scenariosDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../scenarios');

/** The flagship comparison: a backwash world left alone, governed core first, and governed periphery first, at equal budget. */
export const DEMO_SCENARIOS = ['laissez-faire-agglomeration.yaml', 'backwash-core-first.yaml', 'backwash-periphery-first.yaml'];

/** What the demo asks: core first against periphery first, so core-first is the reference. */
export const DEMO_TEXT = {
  title: 'Backwash world: core-first against periphery-first governance',
  title_zh: '回流世界：差序（核心优先）与逆差序（边缘优先）治理之比',
  question:
    'In a world where agglomeration drives backwash, does governing periphery first (the reverse differential order) leave a smaller urban–rural digital gap than governing core first (the differential order) at the same budget, and does either turn the widening gap into a closing one?',
  question_zh: '在集聚引发回流（虹吸）的世界里，同样的预算下，逆差序（边缘优先）治理是否比差序格局（核心优先）治理留下更小的城乡数字势差？两者能否让扩大的差距转为缩小？',
};
export const DEMO_REFERENCE = 'backwash-core-first';

export const DEMO_HELP = `urd demo [options]

The flagship comparison of the paper's question: in a world where agglomeration drives
backwash, what do core-first governance (the differential order) and periphery-first
governance (the reverse differential order) do to the urban-rural digital gap, at equal
budget and on common random numbers? Prints a table and a plain-language reading, and writes
every run folder and compare.csv.

Options:
  --seeds K     number of seeds (default 3)
  --out DIR     output folder (default outputs/demo): a new or empty folder;
                a complete comparison there is replaced only with --force
  --force       replace a complete comparison in DIR: the new one is written
                beside it and swapped in only once complete
${LANG_HELP}
  --no-report      do not write report.html (also: URD_NO_REPORT=1)
  --quiet       no progress bar
  -h, --help    this help`;

/** `urd demo`: returns the exit code. */
export async function demoCommand(args: string[]): Promise<number> {
  const { values } = parseCommand('demo', args, {
    seeds: { type: 'string' },
    out: { type: 'string' },
    lang: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    'no-report': { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(DEMO_HELP + '\n');
    return 0;
  }
  const scenarios = DEMO_SCENARIOS.map((f) => loadScenario(join(scenariosDir, f)));
  const count = intOption('demo', 'seeds', values.seeds) ?? 3;
  if (count < 1 || count > 1000) throw new InputError('urd demo', '--seeds', null, `expected 1 to 1000, got ${count}`);
  const seeds = commonSeeds(1, count);
  const dir = values.out ?? join('outputs', 'demo');
  const target = prepareOutput(dir, 'comparison', values.force);
  const progress = new Progress('demo', values.quiet);
  const lang = resolveLang('demo', values.lang);
  return runStaged(
    target,
    (stop) => compareInto(scenarios, seeds, dir, (d, n) => progress.update(d, n, ' runs'), { reference: DEMO_REFERENCE, text: DEMO_TEXT, writeTo: target.writeTo, shouldStop: stop }).finally(() => progress.done()),
    // One run report per scenario (its first seed) besides the comparison's, for a teacher to open scenario by scenario.
    reportWanted(values['no-report']) ? async ({ results }) => [writeComparisonReport(dir, { lang }).path, ...results.map((r) => writeRunReport(r.dirs[0], { lang }).path)] : null,
    ({ results, cells, ref }, reports) => {
      const reportLines = reports.length > 0 ? `\nReports:\n${reports.map((p) => `  ${p}`).join('\n')}\n` : '';
      return `${formatComparison(results, cells, undefined, ref)}\n\n${readComparison(results, cells, ref, lang)}\n${reportLines}\nOutputs: ${dir}\n`;
    },
  );
}
