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

const scenariosDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../scenarios');

/** The flagship comparison: a backwash world left alone, governed core first, and governed periphery first, at equal budget. */
export const DEMO_SCENARIOS = ['laissez-faire-agglomeration.yaml', 'backwash-core-first.yaml', 'backwash-periphery-first.yaml'];

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
  --no-report      do not write report.html (also: URD_NO_REPORT=1)
  --quiet       no progress bar
  -h, --help    this help`;

/** `urd demo`: returns the exit code. */
export async function demoCommand(args: string[]): Promise<number> {
  const { values } = parseCommand('demo', args, {
    seeds: { type: 'string' },
    out: { type: 'string' },
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
  const finished = await runStaged(target, (stop) => compareInto(scenarios, seeds, dir, (d, n) => progress.update(d, n, ' runs'), target.writeTo, stop));
  progress.done();
  if (!finished) return 130;
  const { results, cells } = finished;
  const reports: string[] = [];
  if (reportWanted(values['no-report'])) {
    reports.push(writeComparisonReport(dir).path);
    // One run report per scenario (its first seed), for a teacher to open scenario by scenario.
    for (const r of results) reports.push(writeRunReport(r.dirs[0]).path);
  }
  const reportLines = reports.length > 0 ? `\nReports:\n${reports.map((p) => `  ${p}`).join('\n')}\n` : '';
  process.stdout.write(`${formatComparison(results, cells)}\n\n${readComparison(results, cells)}\n${reportLines}\nOutputs: ${dir}\n`);
  return 0;
}
